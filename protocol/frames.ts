// zod schemas for every frame payload of protocol version 1 (spec: protocol/README.md).
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;
/** Lines longer than this are rejected unparsed; serial readers cap their buffers at it too. */
export const MAX_LINE_CHARS = 512;
/** Sequence numbers wrap from SEQ_MODULO - 1 to 0. */
export const SEQ_MODULO = 65_536;
export const MAX_DISPLAY_CHARS = 32;
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const uint = z.number().int().nonnegative();
const deviceMs = uint.max(2 ** 48);

export const channelSchema = z.enum(['length', 'weight']);
export type Channel = z.infer<typeof channelSchema>;

const helloSchema = z.object({
  firmware: z.string().min(1).max(40),
  protocol: uint,
  sensors: z.array(channelSchema).min(1).max(2),
  calibration_id: z.string().min(1).max(64).nullable(),
});
const sampleSchema = z.object({
  channel: channelSchema,
  counts: z
    .number()
    .int()
    .min(-(2 ** 31))
    .max(2 ** 31 - 1),
  t_ms: deviceMs,
  tare: z
    .number()
    .int()
    .min(-(2 ** 31))
    .max(2 ** 31 - 1)
    .optional(),
});
const eventSchema = z.object({
  kind: z.enum(['measure_button', 'tare_button', 'board_moved']),
  t_ms: deviceMs,
});
const statusSchema = z.object({
  uptime_ms: deviceMs,
  supply_mv: uint.max(30_000),
  state: z.enum(['idle', 'measuring']),
});
const errorSchema = z.object({
  code: z.enum(['sensor_fault', 'out_of_range', 'bad_command']),
  channel: channelSchema.optional(),
  message: z.string().max(120),
});
const commandTypeSchema = z.enum(['start', 'stop', 'tare', 'beep', 'display', 'calibration']);
const ackSchema = z.object({
  ack_seq: uint.max(SEQ_MODULO - 1),
  ack_type: commandTypeSchema,
  ok: z.boolean(),
  reason: z.string().max(120).optional(),
});
const emptySchema = z.object({});
const beepSchema = z.object({
  duration_ms: uint.min(10).max(5000),
  pattern: z.enum(['lock', 'attention', 'error']),
});
const displaySchema = z.object({ text: z.string().max(MAX_DISPLAY_CHARS) });
const calibrationSchema = z.object({ calibration_id: z.string().min(1).max(64) });

/** Payload schema by frame type: the single source of the frame types and their shapes. */
export const payloadSchemas = {
  hello: helloSchema,
  sample: sampleSchema,
  event: eventSchema,
  status: statusSchema,
  error: errorSchema,
  ack: ackSchema,
  start: emptySchema,
  stop: emptySchema,
  tare: emptySchema,
  beep: beepSchema,
  display: displaySchema,
  calibration: calibrationSchema,
} as const;

export type FrameType = keyof typeof payloadSchemas;
export type CommandType = z.infer<typeof commandTypeSchema>;
export const MAT_FRAME_TYPES = ['hello', 'sample', 'event', 'status', 'error', 'ack'] as const;
export const COMMAND_FRAME_TYPES = commandTypeSchema.options;

export type Payload<T extends FrameType> = z.infer<(typeof payloadSchemas)[T]>;
export type HelloPayload = Payload<'hello'>;
export type SamplePayload = Payload<'sample'>;
export type EventPayload = Payload<'event'>;
export type StatusPayload = Payload<'status'>;
export type ErrorPayload = Payload<'error'>;
export type AckPayload = Payload<'ack'>;
export type BeepPayload = Payload<'beep'>;
export type DisplayPayload = Payload<'display'>;
export type CalibrationPayload = Payload<'calibration'>;

/** One frame of a given type; `Frame` is the union over all types, discriminated by `type`. */
export type FrameOf<T extends FrameType> = {
  v: typeof PROTOCOL_VERSION;
  device: string;
  seq: number;
  type: T;
  payload: Payload<T>;
};
export type Frame = { [T in FrameType]: FrameOf<T> }[FrameType];
export type MatFrame = Extract<Frame, { type: (typeof MAT_FRAME_TYPES)[number] }>;
export type CommandFrame = Extract<Frame, { type: CommandType }>;

export function isFrameType(type: string): type is FrameType {
  return Object.hasOwn(payloadSchemas, type);
}

export function isCommandFrame(frame: Frame): frame is CommandFrame {
  return (COMMAND_FRAME_TYPES as readonly string[]).includes(frame.type);
}
