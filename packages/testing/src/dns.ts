import dns2 from 'dns2';

const { Packet } = dns2;

/**
 * A real DNS server on loopback (UDP, the `dns2` package) answering TXT queries from a
 * table the test edits while it runs; any other name answers NXDOMAIN. Point a `node:dns`
 * Resolver at `server` (`127.0.0.1:<port>`, e.g. through DNS_SERVERS) to exercise the real
 * resolution path, never a stubbed function.
 */
export interface DnsTestServer {
  /** `127.0.0.1:<port>`, as `Resolver.setServers` and DNS_SERVERS take it */
  server: string;
  /** sets (replaces) the TXT records of a name; each record is its character-strings */
  setTxt(name: string, records: string[][]): void;
  /** removes every record of a name */
  remove(name: string): void;
  /** the names asked for, in order (what the code under test looked up) */
  queries: string[];
  close(): Promise<void>;
}

export async function startDnsServer(): Promise<DnsTestServer> {
  const txt = new Map<string, string[][]>();
  const queries: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      const name = (question?.name ?? '').toLowerCase().replace(/\.$/, '');
      queries.push(name);
      const records = txt.get(name);
      if (!records) response.header.rcode = Packet.RCODE.NXDOMAIN;
      else if (question?.type === Packet.TYPE.TXT)
        for (const data of records)
          // dns2's typings want a parsed Resource; a plain record is what its encoder takes
          response.answers.push({
            name: question.name,
            type: Packet.TYPE.TXT,
            class: Packet.CLASS.IN,
            ttl: 1,
            data,
          } as unknown as dns2.Packet.Resource);
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = addresses.udp!.port;
  return {
    server: `127.0.0.1:${port}`,
    setTxt: (name, records) => void txt.set(name.toLowerCase().replace(/\.$/, ''), records),
    remove: (name) => void txt.delete(name.toLowerCase().replace(/\.$/, '')),
    queries,
    close: () => server.close(),
  };
}
