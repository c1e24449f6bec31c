#!/usr/bin/python3
# Python 3 port of connect.py from the El Capitan SCardConnect report: a
# SHARED connect (pyscard's default mode) on the first reader. Exits 1 with
# pyscard's message when refused, so a caller can tell the expected
# "Sharing violation." from El Capitan's "Card protocol mismatch.".
import sys

from smartcard.Exceptions import CardConnectionException
from smartcard.System import readers

reader = readers()[0]
print("Using:", reader, flush=True)

connection = reader.createConnection()
try:
    connection.connect()
except CardConnectionException as error:
    print(error, flush=True)
    sys.exit(1)
print("Connected", flush=True)
