// An Arduino Uno in a worker thread: avr8js runs the ATmega328P (CPU, timers 0-2, USART0, ADC, ports B-D) on
// the given flash image, paced to wall time (or free-running, for the benchmark). Messages: see uno-messages.ts.
import { parentPort, workerData } from 'node:worker_threads';
import {
  AVRADC,
  AVRIOPort,
  AVRTimer,
  AVRUSART,
  adcConfig,
  avrInstruction,
  CPU,
  PinState,
  portBConfig,
  portCConfig,
  portDConfig,
  timer0Config,
  timer1Config,
  timer2Config,
  usart0Config,
} from 'avr8js';
import { type FromUno, PIN_COUNT, type ToUno, UNO_HZ, type UnoWorkerData } from './uno-messages.ts';

if (!parentPort) throw new Error('uno-worker.ts runs only as a worker thread');
const port = parentPort;
const data = workerData as UnoWorkerData;
/** MCU time run between two looks at the message queue. */
const SLICE_CYCLES = UNO_HZ / 1000;

/** Arduino pin n → [port, bit]: D0-D7 on port D, D8-D13 on port B, A0-A5 (pins 14-19) on port C. */
function pinLocation(pin: number): [0 | 1 | 2, number] {
  if (pin < 8) return [2, pin];
  if (pin < 14) return [0, pin - 8];
  return [1, pin - 14];
}

class Uno {
  readonly cpu: CPU;
  readonly usart: AVRUSART;
  readonly adc: AVRADC;
  readonly ports: [AVRIOPort, AVRIOPort, AVRIOPort];
  readonly rxQueue: number[] = [];
  readonly tx: number[] = [];
  readonly changes: [number, 0 | 1, number][] = [];
  /** What is wired to each digital pin from outside: a switch to ground (low), or nothing (open). */
  readonly external: ('open' | 'low' | 'high')[] = Array(PIN_COUNT).fill('open');
  readonly outputs: (0 | 1 | null)[] = Array(PIN_COUNT).fill(null);

  constructor(program: Uint16Array) {
    this.cpu = new CPU(program);
    for (const config of [timer0Config, timer1Config, timer2Config]) new AVRTimer(this.cpu, config);
    this.usart = new AVRUSART(this.cpu, usart0Config, UNO_HZ);
    this.usart.onByteTransmit = (byte) => this.tx.push(byte);
    this.usart.onRxComplete = () => this.feedRx();
    this.adc = new AVRADC(this.cpu, adcConfig);
    this.ports = [
      new AVRIOPort(this.cpu, portBConfig),
      new AVRIOPort(this.cpu, portCConfig),
      new AVRIOPort(this.cpu, portDConfig),
    ];
    for (const ioPort of this.ports) ioPort.addListener(() => this.onPortWrite());
    this.onPortWrite();
  }

  get mcuMs(): number {
    return (this.cpu.cycles * 1000) / UNO_HZ;
  }

  feedRx(): void {
    const next = this.rxQueue[0];
    if (next !== undefined && this.usart.writeByte(next)) this.rxQueue.shift();
  }

  /** Output levels for read-back, and the levels inputs see (a pull-up holds an open pin high). */
  onPortWrite(): void {
    for (let pin = 0; pin < PIN_COUNT; pin++) {
      const [index, bit] = pinLocation(pin);
      const ioPort = this.ports[index];
      const state = ioPort.pinState(bit);
      const output = state === PinState.High ? 1 : state === PinState.Low ? 0 : null;
      if (output !== this.outputs[pin]) {
        this.outputs[pin] = output;
        if (output !== null) this.changes.push([pin, output, this.mcuMs]);
      }
      const wired = this.external[pin];
      const level = wired === 'open' ? state === PinState.InputPullUp : wired === 'high';
      if (state === PinState.Input || state === PinState.InputPullUp) ioPort.setPin(bit, level);
    }
  }

  run(untilCycles: number): void {
    const cpu = this.cpu;
    while (cpu.cycles < untilCycles) {
      avrInstruction(cpu);
      cpu.tick();
    }
    if (!this.usart.rxBusy) this.feedRx();
  }
}

const uno = new Uno(data.program);
const paced = data.paced;
let stopped = false;
let wallStartMs = performance.now();
let mcuStartCycles = 0;

port.on('message', (message: ToUno) => {
  switch (message.t) {
    case 'rx':
      uno.rxQueue.push(...message.bytes);
      if (!uno.usart.rxBusy) uno.feedRx();
      break;
    case 'adc':
      uno.adc.channelValues[message.channel] = message.volts;
      break;
    case 'wire':
      uno.external[message.pin] = message.level;
      uno.onPortWrite();
      break;
    case 'stop':
      stopped = true;
      break;
  }
});

const post = (message: FromUno) => port.postMessage(message);

async function loop(): Promise<void> {
  let lastReportMs = 0;
  while (!stopped) {
    let target = uno.cpu.cycles + SLICE_CYCLES;
    // Paced: run only what wall time owes; caught up, sleep a little before the next slice.
    let caughtUp = false;
    if (paced) {
      const owed = mcuStartCycles + ((performance.now() - wallStartMs) * UNO_HZ) / 1000;
      // Behind by more than a second (a slow machine): carry on from here rather than sprint.
      if (owed - uno.cpu.cycles > UNO_HZ) {
        mcuStartCycles = uno.cpu.cycles;
        wallStartMs = performance.now();
      }
      caughtUp = owed < target;
      target = Math.min(target, owed);
    }
    if (target > uno.cpu.cycles) uno.run(target);
    if (uno.tx.length > 0) post({ t: 'tx', bytes: uno.tx.splice(0), mcuMs: uno.mcuMs });
    if (uno.changes.length > 0) post({ t: 'pins', changes: uno.changes.splice(0) });
    const nowMs = performance.now();
    if (nowMs - lastReportMs >= 250) {
      lastReportMs = nowMs;
      post({ t: 'clock', mcuMs: uno.mcuMs });
    }
    // Let messages in.
    await new Promise((resolve) => (caughtUp ? setTimeout(resolve, 1) : setImmediate(resolve)));
  }
  post({ t: 'clock', mcuMs: uno.mcuMs });
  port.close();
}

void loop();
