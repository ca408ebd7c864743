// The emulated Uno behind a real PTY pair, as a USB board appears on a Pi: the gateway opens `path` with
// serialport at 57600 baud. `unplug()` makes the port vanish (socat ends), `replug()` brings it back at the
// same path.
import { openPtyLink, openSerialPort, type PtyLink } from '../../../device/serial-port.ts';
import type { EmulatedUno } from './emulated-uno.ts';

export interface PtyBoard {
  /** The board's port, for the gateway. */
  readonly path: string;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

export async function putOnPty(uno: EmulatedUno, path: string): Promise<PtyBoard> {
  let link: PtyLink | undefined;
  let closeBridge: (() => Promise<void>) | undefined;
  const plugIn = async () => {
    link = await openPtyLink(path);
    const port = await openSerialPort(link.matPath, 57_600);
    const cable = uno.plug();
    cable.on('data', (chunk: Buffer) => port.write(chunk));
    port.on('data', (chunk: Buffer) => cable.write(chunk));
    closeBridge = async () => {
      cable.destroy();
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    };
  };
  const unplug = async () => {
    await closeBridge?.();
    closeBridge = undefined;
    await link?.close();
    link = undefined;
  };
  await plugIn();
  return { path, unplug, replug: plugIn, close: unplug };
}
