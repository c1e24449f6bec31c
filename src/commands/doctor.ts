import { buildDoctorReport, type DoctorFacts } from '../orchestrator/doctor-report.js';
import { collectEnvironment } from '../platform/environment.js';
import { driverFromConfiguration } from '../platform/reader-driver.js';
import type { ReaderStatus } from '../pcsc/binding.js';
import { bindingDiagnosis, serviceFailure } from '../pcsc/load-binding.js';
import { PcscError } from '../pcsc/pcsc-error.js';
import { withContext } from '../roles/session.js';
import { renderDoctor } from '../render/doctor-text.js';
import { renderJson } from '../render/json.js';
import { VIRTUAL_READER_NAME } from './built-in-card.js';

/** The service's answer and, when it answers, each reader through the binding's own context. */
async function serviceAndReaders(): Promise<Pick<DoctorFacts, 'service' | 'readers'>> {
  const failure = await serviceFailure();
  if (failure) return { service: { answers: false, error: failure.toJSON() }, readers: null };
  return withContext(async (context) => {
    let names: string[];
    try {
      names = await context.listReaders();
    } catch (error) {
      // The bare check went through the system library; the binding's own context can still be refused.
      const pcscError = PcscError.from(error);
      if (!pcscError) throw error;
      return { service: { answers: false, error: pcscError.toJSON() }, readers: null };
    }
    const readers: ReaderStatus[] = await Promise.all(names.map((name) => context.status(name)));
    return { service: { answers: true, version: null }, readers };
  });
}

export async function doctorCommand(options: { json: boolean }): Promise<number> {
  const binding = await bindingDiagnosis();
  const [found, configured] = await Promise.all([
    binding.loaded ? serviceAndReaders() : { service: null, readers: null },
    process.platform === 'linux' ? driverFromConfiguration(VIRTUAL_READER_NAME, 'linux') : undefined,
  ]);
  const answers = !!found.service?.answers;
  const environment = await collectEnvironment({ serviceAnswered: answers, library: binding.library });
  const report = buildDoctorReport({
    binding,
    client: environment.pcscClient,
    service: found.service?.answers ? { answers: true, version: environment.pcscService } : found.service,
    readers: found.readers,
    virtualReader: VIRTUAL_READER_NAME,
    vpcd: configured === undefined ? null : { configured },
    platform: process.platform,
  });
  const { exitCode, ...body } = report;
  process.stdout.write(options.json ? renderJson('doctor', exitCode, body) : renderDoctor(report));
  return exitCode;
}
