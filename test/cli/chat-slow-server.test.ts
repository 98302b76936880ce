/**
 * `aguavoz chat` against a server that is there but slow to answer its health check (a busy
 * machine): the chat goes on and delivers, and only a refused connection is "cannot reach".
 * Real HTTP on loopback; the server is a stand-in answering the three routes the chat uses.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { ChatServerUnreachableError, runChat } from '../../src/cli/chat-command';

describe('aguavoz chat and a slow server', () => {
  let server: Server;
  let url: string;
  const posted: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith('/healthz')) return; // never answers within the chat's 3 s check
      if (req.method === 'POST') {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          posted.push(new URLSearchParams(body).get('Body') ?? '');
          res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
        });
        return;
      }
      const messages = posted.length > 0 ? [{ id: 'm1', createdAt: '2999-01-01T00:00:00.000Z', body: 'Hola, soy AguaVoz' }] : [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages, recipient: 'resident' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends and prints the reply when the health check does not answer in time', async () => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    await runChat({ url, from: '+51987100201', to: '+51900000000', whatsapp: false, waitMs: 3000, input: Readable.from(['hola\n']), output });
    expect(posted).toEqual(['hola']);
    expect(printed).toContain('< Hola, soy AguaVoz');
    expect(printed).not.toContain('cannot reach');
  }, 20_000);

  it('still says it cannot reach a server when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const run = runChat({ url: `http://127.0.0.1:${port}`, from: '+51987100202', to: '+51900000000', whatsapp: false, waitMs: 1000, input: Readable.from(['hola\n']), output: new PassThrough() });
    await expect(run).rejects.toBeInstanceOf(ChatServerUnreachableError);
  });
});
