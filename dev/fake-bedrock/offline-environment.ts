import { installLoopbackGuard } from './loopback-guard';

/**
 * An offline environment for anything that runs the real AWS SDK against the fake Bedrock (tests, the
 * bench, the drill): dummy static credentials, no shared config files, Powertools metrics and logs
 * silenced, and a guard that makes any non-loopback connection throw. Returns the function that undoes it.
 */
export function isolateEnvironment(): () => void {
  const saved = { ...process.env };
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKEFAKEFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake-secret';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_CONFIG_FILE = '/nonexistent';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
  process.env.AWS_REGION = 'eu-west-1';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const removeGuard = installLoopbackGuard();
  return () => {
    removeGuard();
    process.env = saved;
  };
}
