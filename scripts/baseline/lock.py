#!/usr/bin/python3
# Python 3 port of lock.py from the El Capitan SCardConnect report: holds the
# first reader with SCARD_SHARE_EXCLUSIVE so that connect.py, started
# meanwhile, must be refused. The hold is an argument so a benchmark can keep
# it as short as the handshake allows instead of the original 10 s.
import sys
import time

from smartcard.System import readers
from smartcard.scard import SCARD_SHARE_EXCLUSIVE

hold = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0

reader = readers()[0]
print("Using:", reader, flush=True)

connection = reader.createConnection()
connection.connect(mode=SCARD_SHARE_EXCLUSIVE)
# The driver waits for this line rather than guessing how long connecting takes.
print("held", flush=True)

time.sleep(hold)
