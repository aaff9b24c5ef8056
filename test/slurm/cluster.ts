// A real single-node Slurm cluster for the grid-array integration tests: Debian's slurm-wlm and
// munge (installed by `cli/setup.sh --test`), started as root with a generated slurm.conf whose
// state, spool, logs and pid files live in a temporary folder, on free ports; stopped by pid.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running cluster: clients find it through SLURM_CONF. */
export interface TestCluster {
  readonly conf: string;
  readonly env: NodeJS.ProcessEnv;
  /** Stop slurmctld and slurmd (and munged when this cluster started it), by pid. */
  stop(): void;
}

const INSTALL = 'apt-get update && apt-get install -y slurm-wlm munge';

/**
 * Start the cluster and wait until its node is idle.
 * @throws Error naming what is missing (not root, Slurm not installed: with the install line) or the daemon that did not come up, with its log.
 */
export async function startCluster(): Promise<TestCluster> {
  if (process.getuid?.() !== 0) throw new Error(`the Slurm integration tests start daemons as root; run the test command as root (or: sudo ${INSTALL})`);
  for (const tool of ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch']) {
    if (!existsSync(tool)) throw new Error(`${tool} is missing: install Slurm with \`${INSTALL}\` (cli/setup.sh --test does)`);
  }
  const startedMunge = ensureMunge();
  const dir = mkdtempSync(join(tmpdir(), 'dnas-slurm-'));
  const host = hostname().split('.')[0];
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  mkdirSync(join(dir, 'state'));
  mkdirSync(join(dir, 'spool'));
  writeFileSync(conf, [
    'ClusterName=dnas-test', `SlurmctldHost=${host}`, 'SlurmUser=root', 'AuthType=auth/munge',
    'ProctrackType=proctrack/linuxproc', 'TaskPlugin=task/none', 'SelectType=select/cons_tres', 'SelectTypeParameters=CR_Core',
    'ReturnToService=2', 'MpiDefault=none', 'JobAcctGatherType=jobacct_gather/none', 'AccountingStorageType=accounting_storage/none',
    `StateSaveLocation=${dir}/state`, `SlurmdSpoolDir=${dir}/spool`, `SlurmctldPidFile=${dir}/slurmctld.pid`, `SlurmdPidFile=${dir}/slurmd.pid`,
    `SlurmctldLogFile=${dir}/slurmctld.log`, `SlurmdLogFile=${dir}/slurmd.log`, `SlurmctldPort=${ctldPort}`, `SlurmdPort=${dPort}`,
    `NodeName=${host} CPUs=${availableParallelism()} State=UNKNOWN`, `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`, '',
  ].join('\n'));
  const env = { ...process.env, SLURM_CONF: conf };
  execFileSync('/usr/sbin/slurmctld', ['-f', conf], { env });
  execFileSync('/usr/sbin/slurmd', ['-f', conf], { env });
  const stop = (): void => {
    for (const pidFile of ['slurmd.pid', 'slurmctld.pid']) kill(join(dir, pidFile));
    if (startedMunge !== null) kill(startedMunge);
  };
  for (const started = Date.now(); Date.now() - started < 30_000; await new Promise((r) => setTimeout(r, 200))) {
    const info = spawnSync('sinfo', ['--noheader', '--format=%t'], { env, encoding: 'utf8' });
    if (info.status === 0 && info.stdout.trim() === 'idle') return { conf, env, stop };
  }
  stop();
  const log = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').split('\n').slice(-10).join('\n') : '(no log)');
  throw new Error(`the test cluster's node did not become idle in 30 s; slurmctld.log:\n${log('slurmctld.log')}\nslurmd.log:\n${log('slurmd.log')}`);
}

/** munged running as the munge user; returns its pid file when this call started it, else null. */
function ensureMunge(): string | null {
  if (spawnSync('pgrep', ['-x', 'munged']).status === 0) return null;
  mkdirSync('/run/munge', { recursive: true });
  execFileSync('chown', ['munge:munge', '/run/munge']);
  if (!existsSync('/etc/munge/munge.key')) execFileSync('/usr/sbin/mungekey', ['--create'], { stdio: 'ignore' });
  execFileSync('chown', ['munge:munge', '/etc/munge/munge.key']);
  execFileSync('chmod', ['400', '/etc/munge/munge.key']);
  execFileSync('su', ['-s', '/bin/sh', 'munge', '-c', '/usr/sbin/munged']);
  return '/run/munge/munged.pid';
}

function kill(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    if (pid > 0) process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
