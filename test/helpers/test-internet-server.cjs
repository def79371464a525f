// The test's "internet": run inside a network namespace of its own (see
// test-internet.ts). An HTTP server on port 80 that says who asked, and a
// minimal DNS server on port 53 that answers A queries for the names it was
// given (NXDOMAIN for the rest). Prints READY once both listen.
const http = require('node:http');
const dgram = require('node:dgram');

const [address, namesJson] = process.argv.slice(2);
const names = JSON.parse(namesJson);

const web = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ hello: 'from the test internet', path: req.url, host: req.headers.host, from: req.socket.remoteAddress }));
});

const dns = dgram.createSocket('udp4');
dns.on('message', (m, rinfo) => {
  if (m.length < 17) return;
  let i = 12;
  const labels = [];
  while (i < m.length && m[i] !== 0) {
    labels.push(m.toString('latin1', i + 1, i + 1 + m[i]));
    i += m[i] + 1;
  }
  const qtype = m.readUInt16BE(i + 1);
  const question = m.subarray(12, i + 5);
  const name = labels.join('.').toLowerCase();
  const known = Object.prototype.hasOwnProperty.call(names, name);
  const answer = known && qtype === 1;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(m.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8180 | (m.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2); // response, RD copied, RA; NXDOMAIN when unknown
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answer ? 1 : 0, 6);
  const parts = [header, question];
  if (answer) {
    const a = Buffer.alloc(16);
    a.writeUInt16BE(0xc00c, 0); // the name in the question
    a.writeUInt16BE(1, 2); // A
    a.writeUInt16BE(1, 4); // IN
    a.writeUInt32BE(60, 6);
    a.writeUInt16BE(4, 10);
    names[name].split('.').forEach((o, k) => a.writeUInt8(Number(o), 12 + k));
    parts.push(a);
  }
  dns.send(Buffer.concat(parts), rinfo.port, rinfo.address);
});

let up = 0;
const ready = () => ++up === 2 && process.stdout.write('READY\n');
web.listen(80, address, ready);
dns.bind(53, address, ready);
