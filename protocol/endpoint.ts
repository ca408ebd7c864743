// The two pieces every end of the wire needs: numbering and writing its own frames, and (on the mat side)
// turning command lines into acknowledged actions. Shared by the firmware, the simulator and the tools.
import { decodeFrame } from './decode.ts';
import { encodeFrame, nextSeq } from './encode.ts';
import {
  type CommandFrame,
  type Frame,
  type FrameType,
  isCommandFrame,
  type Payload,
  PROTOCOL_VERSION,
} from './frames.ts';
import { SequenceTracker } from './sequence.ts';

/** Writes frames of one sender as lines, counting its sequence numbers from 0. */
export class FrameWriter {
  readonly #device: () => string;
  readonly #write: (line: string) => void;
  #seq = 0;

  /** `device`: the sender's id (a mat) or, for a gateway, the id of the mat addressed. */
  constructor(device: string | (() => string), write: (line: string) => void) {
    this.#device = typeof device === 'string' ? () => device : device;
    this.#write = write;
  }

  /** Sends one frame; returns the sequence number it carried. */
  send<T extends FrameType>(type: T, payload: Payload<T>): number {
    const seq = this.#seq;
    // `type` and `payload` are tied by the generic signature, so this is one member of the Frame union.
    const frame = { v: PROTOCOL_VERSION, device: this.#device(), seq, type, payload } as Frame;
    this.#seq = nextSeq(seq);
    this.#write(encodeFrame(frame));
    return seq;
  }
}

/**
 * The mat's side of commands: decodes a line, answers garbage and non-commands with a `bad_command` error,
 * refuses commands for another mat, and acknowledges every command by its seq. A command line repeated on the
 * wire (same seq) is acknowledged again but not carried out twice. `execute` returns a refusal reason, if any.
 */
export function createCommandHandler(options: {
  deviceId: string;
  writer: FrameWriter;
  execute: (frame: CommandFrame) => string | undefined;
}): (line: string) => void {
  const { deviceId, writer, execute } = options;
  const gatewaySeq = new SequenceTracker();
  return (line) => {
    const decoded = decodeFrame(line);
    if (!decoded.ok) {
      writer.send('error', {
        code: 'bad_command',
        message: `${decoded.error.kind}: ${decoded.error.message}`.slice(0, 120),
      });
      return;
    }
    const frame = decoded.frame;
    if (!isCommandFrame(frame)) {
      writer.send('error', { code: 'bad_command', message: `'${frame.type}' is not a command` });
      return;
    }
    const ack = (reason: string | undefined) =>
      writer.send('ack', {
        ack_seq: frame.seq,
        ack_type: frame.type,
        ok: !reason,
        ...(reason ? { reason } : {}),
      });
    if (frame.device !== deviceId) {
      ack(`addressed to ${frame.device}, this mat is ${deviceId}`);
      return;
    }
    if (gatewaySeq.observe('gateway', frame.seq).kind === 'duplicate') {
      ack(undefined);
      return;
    }
    ack(execute(frame));
  };
}
