// mock-firmata ships no types: the part the firmware tests use (a Firmata-like IO object that is an EventEmitter).
declare module 'mock-firmata' {
  import { EventEmitter } from 'node:events';

  class Firmata extends EventEmitter {
    constructor(options?: Record<string, unknown>);
    analogRead(pin: number, callback: (value: number) => void): void;
    digitalRead(pin: number, callback: (value: number) => void): void;
    digitalWrite(pin: number, value: number): void;
    analogWrite(pin: number, value: number): void;
  }
  const mockFirmata: { Firmata: typeof Firmata };
  export default mockFirmata;
}
