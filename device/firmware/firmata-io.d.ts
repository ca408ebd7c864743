// firmata-io ships no types: the part the mat program uses (Firmata over a transport it is given).
declare module 'firmata-io' {
  import { EventEmitter } from 'node:events';

  /** What Firmata reads and writes: a serial port, or any byte stream with the same events. */
  export interface FirmataTransport extends EventEmitter {
    write(data: Buffer, callback?: (error?: Error | null) => void): unknown;
  }

  interface FirmataOptions {
    /** Ask for the version after this long without one, ms (default 5000). */
    reportVersionTimeout?: number;
    samplingInterval?: number;
    skipCapabilities?: boolean;
  }

  class Firmata extends EventEmitter {
    constructor(transport: FirmataTransport, options?: FirmataOptions);
    readonly isReady: boolean;
    readonly versionReceived: boolean;
    readonly version: { major?: number; minor?: number };
    readonly firmware: { name?: string; version?: { major: number; minor: number } };
    readonly transport: FirmataTransport;
    readonly pins: unknown[];
    name: string;
    defaultLed: number;
    port: string;
    reset(): void;
  }

  const bindTransport: { Firmata: typeof Firmata };
  export default bindTransport;
}
