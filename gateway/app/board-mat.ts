// The board layout: the johnny-five mat program runs in the gateway's process on the board's serial port
// (StandardFirmata) and talks to the gateway only through the wire protocol over an in-memory stream, as the
// simulated mat does, so nothing downstream can tell a board from the simulator or from a remote mat.
// Part of the composition root: the one place besides start-gateway.ts that may start device code.

import type { FirmwareConfig } from '../../device/firmware/config.ts';
import {
  type BoardTransport,
  serialBoardTransport,
  startMatProgram,
} from '../../device/firmware/mat-program.ts';
import { StreamLink } from '../ingest/stream-link.ts';
import type { Logger } from '../log/logger.ts';

export interface BoardMatConfig {
  /** The board's serial port (e.g. /dev/tikar-board). */
  port: string;
  /** The mat program's configuration (mat.json), already validated. */
  config: FirmwareConfig;
  /** Another way to the board than its serial port (tests: an emulated board in memory). */
  openTransport?: () => Promise<BoardTransport>;
  retryMs?: number;
  handshakeTimeoutMs?: number;
}

export function startBoardMat(
  board: BoardMatConfig,
  log: Logger,
): { link: StreamLink; stop: () => Promise<void> } {
  const program = startMatProgram({
    config: board.config,
    portName: board.port,
    openTransport: board.openTransport ?? (() => serialBoardTransport(board.port)),
    ...(board.retryMs === undefined ? {} : { retryMs: board.retryMs }),
    ...(board.handshakeTimeoutMs === undefined ? {} : { handshakeTimeoutMs: board.handshakeTimeoutMs }),
  });
  log.info({ path: board.port, mat: board.config.deviceId }, 'opening the mat board');
  const link = new StreamLink(program.stream, board.port, { startsUp: false });
  program.on('board', (state) => {
    if (state.up) {
      log.info({ path: state.port, firmware: state.firmware }, 'mat board connected');
      link.switch(true);
    } else {
      // Said once per cause, not at every retry.
      log.error({ path: state.port, err: state.reason }, 'mat board not connected; retrying');
      link.switch(false, state.reason);
    }
  });
  return { link, stop: () => program.stop() };
}
