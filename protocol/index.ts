// The wire between mat and gateway (spec: protocol/README.md). Imports nothing else of ours.
export { crc32Ascii, formatCrc } from './crc.ts';
export { type DecodeError, type DecodeErrorKind, type DecodeResult, decodeFrame } from './decode.ts';
export { encodeFrame, nextSeq } from './encode.ts';
export { createCommandHandler, FrameWriter } from './endpoint.ts';
export * from './frames.ts';
export { LineSplitter } from './line-splitter.ts';
export { type SequenceEvent, SequenceTracker } from './sequence.ts';
