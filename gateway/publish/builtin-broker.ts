// The broker of the zero-config default (aedes, in-process), so `npm start` needs nothing else installed.
// With no credentials it serves loopback clients only. Given the same password_file and acl_file as the
// shipped mosquitto config (deploy/mosquitto/), it grants exactly what mosquitto grants: the rules live in
// gateway/security/acl.ts and the password format in gateway/security/passwords.ts.
import { readFile } from 'node:fs/promises';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createLogger } from '../log/logger.ts';
import { type AclTable, isAllowed, loadAclFile } from '../security/acl.ts';
import { loadPasswordFile, type PasswordTable, verifyPassword } from '../security/passwords.ts';

export interface BuiltinBrokerTls {
  certFile: string;
  keyFile: string;
  /** When given, clients must present a certificate signed by this CA (mosquitto `require_certificate true`). */
  caFile?: string;
}

export interface BuiltinBrokerOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** 0 lets the OS pick a free port; the chosen one is returned. */
  port: number;
  /** Topic rights: a table, or the path of a mosquitto acl_file. Requires `credentials`. */
  acl?: AclTable | string;
  /** Accounts: a table, or the path of a mosquitto password_file. Without it only loopback clients may connect. */
  credentials?: PasswordTable | string;
  tls?: BuiltinBrokerTls;
}

export interface BuiltinBroker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const log = createLogger('publish.builtin-broker');

// Where a publish without write right goes: MQTT 3.1.1 cannot refuse a PUBLISH, so, like mosquitto, we
// acknowledge it and deliver it to nobody. No ACL rule matches a `$` topic through a wildcard, and none
// names this one, so no client can read it.
const deniedSinkTopic = '$tikar/denied';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

function notAuthorised(message: string): AuthenticateError {
  // Code 5 ("not authorised") for every refusal, as mosquitto answers MQTT 3.1.1 clients.
  return Object.assign(new Error(message), { returnCode: 5 as AuthenticateError['returnCode'] });
}

export async function startBuiltinBroker(options: BuiltinBrokerOptions): Promise<BuiltinBroker> {
  const host = options.host ?? '127.0.0.1';
  const credentials =
    typeof options.credentials === 'string'
      ? await loadPasswordFile(options.credentials)
      : options.credentials;
  const acl = typeof options.acl === 'string' ? await loadAclFile(options.acl) : options.acl;
  if (acl && !credentials) {
    throw new Error(
      'builtin broker: option acl needs credentials (rights are granted per authenticated user)',
    );
  }

  const requireClientCert = options.tls?.caFile !== undefined;
  const usernames = new WeakMap<Client, string>();
  const droppedByClient = new WeakMap<object, number>();
  const noClient = {}; // stands for aedes publishing a will of a client already gone
  const aedes = new Aedes({
    authenticate(client, username, password, done) {
      // Node closes a TLS 1.3 connection with a bad client certificate without an alert, which clients see as
      // a silent hang-up; so the certificate is checked here and refused with a proper CONNACK instead.
      const conn = client.conn as Partial<TLSSocket>;
      if (requireClientCert && conn.authorized !== true) {
        log.warn({ reason: String(conn.authorizationError) }, 'mqtt connect refused: client certificate');
        return done(notAuthorised('client certificate not accepted'), false);
      }
      if (!credentials) return done(null, true);
      const hash = username === undefined ? undefined : credentials.get(username);
      if (username === undefined || hash === undefined || password === undefined) {
        log.warn({ clientId: client.id }, 'mqtt connect refused: unknown user or no password');
        return done(notAuthorised('not authorised'), false);
      }
      // A client certificate belongs to one account: its common name must be the username, or one device's
      // certificate would open every account whose password leaked.
      if (requireClientCert) {
        const commonName = conn.getPeerCertificate?.()?.subject?.CN;
        if (commonName !== username) {
          log.warn({ user: username }, 'mqtt connect refused: certificate of another account');
          return done(notAuthorised('certificate not issued to this account'), false);
        }
      }
      verifyPassword(hash, password.toString('utf8')).then(
        (valid) => {
          if (!valid) {
            log.warn({ user: username }, 'mqtt connect refused: wrong password');
            return done(notAuthorised('not authorised'), false);
          }
          usernames.set(client, username);
          // As mosquitto's use_username_as_clientid: the account is the client id, so one account cannot
          // take over (disconnect) another's session by connecting with its client id.
          client.id = username;
          done(null, true);
        },
        (error: unknown) => done(notAuthorised(`password check failed: ${String(error)}`), false),
      );
    },
    authorizePublish(client, packet, done) {
      const reserved = packet.topic.startsWith('$SYS/');
      if (!acl && !reserved) return done(null);
      const user = client ? usernames.get(client) : undefined;
      if (!reserved && acl && user !== undefined && isAllowed(acl, user, 'write', packet.topic))
        return done(null);
      // A client stuck on a wrong topic would repeat forever: warn on its first drop and every 100th.
      const dropped = (droppedByClient.get(client ?? noClient) ?? 0) + 1;
      droppedByClient.set(client ?? noClient, dropped);
      if (dropped === 1 || dropped % 100 === 0) {
        log.warn({ user, topic: packet.topic, dropped }, 'mqtt publish dropped: no write right');
      }
      packet.topic = deniedSinkTopic;
      packet.retain = false;
      done(null);
    },
    authorizeForward(client, packet) {
      if (!acl) return packet;
      const user = usernames.get(client);
      return user !== undefined && isAllowed(acl, user, 'read', packet.topic) ? packet : null;
    },
  });
  await aedes.listen();

  const accept = (socket: Socket) => {
    // Without accounts anyone who can reach the port could read health data: loopback only.
    if (!credentials && !isLoopbackAddress(socket.remoteAddress)) {
      log.warn(
        { remote: socket.remoteAddress },
        'mqtt connection refused: not loopback and no credentials set',
      );
      socket.destroy();
      return;
    }
    socket.setNoDelay(true); // QoS 1 acks are tiny: Nagle would hold them ~40 ms behind other traffic
    aedes.handle(socket);
  };

  let server: Server;
  if (options.tls) {
    const { certFile, keyFile, caFile } = options.tls;
    const [cert, key, ca] = await Promise.all([
      readFile(certFile),
      readFile(keyFile),
      caFile ? readFile(caFile) : undefined,
    ]);
    const tlsServer = createTlsServer(
      {
        cert,
        key,
        ca,
        requestCert: requireClientCert,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
      },
      accept,
    );
    tlsServer.on('tlsClientError', (error) => log.warn({ err: error.message }, 'mqtt tls handshake refused'));
    server = tlsServer;
  } else {
    server = createNetServer(accept);
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw new Error(`builtin broker: cannot listen on ${host}:${options.port}: ${String(error)}`);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const wildcardHosts = new Set(['0.0.0.0', '::', '']);
  const urlHost = wildcardHosts.has(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `${options.tls ? 'mqtts' : 'mqtt'}://${urlHost}:${port}`;
  log.info(
    { url, accounts: credentials ? credentials.size : 0, tls: Boolean(options.tls) },
    'builtin broker up',
  );

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    stop() {
      stopping ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await serverClosed;
      })();
      return stopping;
    },
  };
}
