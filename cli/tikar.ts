// The entry point of the built command (dist/tikar.mjs, run by bin/tikar.mjs and by the systemd units).
import { main } from './main.ts';

// A reader that stops early (`tikar zscore … | head`) ends the output, not the program with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});
process.exitCode = await main(process.argv.slice(2));
