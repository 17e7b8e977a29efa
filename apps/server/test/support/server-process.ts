import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI, as `pnpm start` runs it. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/**
 * Starts `clawgate start --config <configPath>` as a child process, with only PATH and HOME
 * in its environment and its output discarded. `exited` resolves with its exit code.
 */
export function spawnServer(
  configPath: string,
  home: string,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'start', '--config', configPath], {
    env: { PATH: process.env.PATH, HOME: home },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited };
}
