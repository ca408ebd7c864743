// What the main thread and the emulated Uno (uno-worker.ts) say to each other.

/** The Uno's crystal. */
export const UNO_HZ = 16_000_000;
/** D0-D13 and A0-A5 (14-19). */
export const PIN_COUNT = 20;

export interface UnoWorkerData {
  program: Uint16Array;
  /** Keep MCU time with wall time (tests); false: as fast as the host allows (benchmark). */
  paced: boolean;
}

export type ToUno =
  /** Bytes arriving at the Uno's RX pin (from the USB serial bridge). */
  | { t: 'rx'; bytes: number[] }
  /** The voltage on analog input A0-A5. */
  | { t: 'adc'; channel: number; volts: number }
  /** What is wired to a digital pin from outside: a closed switch to ground is `low`; `open` leaves it to the pull-up. */
  | { t: 'wire'; pin: number; level: 'open' | 'low' | 'high' }
  | { t: 'stop' };

export type FromUno =
  /** Bytes the Uno sent on its TX pin. */
  | { t: 'tx'; bytes: number[]; mcuMs: number }
  /** Output pins that changed level: [pin, level, MCU ms]. */
  | { t: 'pins'; changes: [number, 0 | 1, number][] }
  /** MCU time since power-on, ms. */
  | { t: 'clock'; mcuMs: number };
