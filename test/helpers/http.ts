// A plain HTTP GET for server tests: the raw path (no URL normalisation, so ../ reaches the server), any
// headers, and optionally another loopback source address.
import { request as httpRequest } from 'node:http';

/** What came back. */
export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** GET `path` from 127.0.0.1:`port`. */
export function ask(port: number, path: string, headers: Record<string, string> = {}, localAddress?: string) {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: 'GET', headers, localAddress, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
