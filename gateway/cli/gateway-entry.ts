// The production entry point (bundled by gateway/build/bundle-gateway.ts, run by deploy/systemd): the same
// `tikar gateway` as bin/tikar.mjs, without the tsx loader.
import { run } from './gateway.ts';

process.exitCode = await run(process.argv.slice(2));
