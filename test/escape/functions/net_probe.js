// Every way out to a network: the interfaces the env has, TCP to the workbench's
// API port on 127.0.0.1 and on the host's other addresses, an abstract Unix
// socket the host listens on, UDP, and DNS.
const fs = require('node:fs');
const net = require('node:net');
const dgram = require('node:dgram');
const dns = require('node:dns');

const settle = (p, ms = 2000) => Promise.race([p, new Promise((r) => setTimeout(() => r('TIMEOUT'), ms))]);
const connect = (opts) =>
  settle(
    new Promise((resolve) => {
      const s = net.connect(opts);
      s.on('connect', () => { s.destroy(); resolve('connected'); });
      s.on('error', (e) => resolve(e.code));
    }),
  );

exports.handler = async (event) => {
  const tcp = {};
  for (const host of event.hosts) tcp[host] = await connect({ host, port: event.port });
  const udp = await settle(
    new Promise((resolve) => {
      const s = dgram.createSocket('udp4');
      s.send(Buffer.from('x'), 53, event.udpTo, (e) => { s.close(); resolve(e ? e.code : 'sent'); });
    }),
  );
  const lookup = await settle(dns.promises.lookup(event.name).then((a) => `resolved ${a.address}`, (e) => e.code), 5000);
  const resolve4 = await settle(dns.promises.resolve4(event.name).then((a) => `resolved ${a}`, (e) => e.code), 5000);
  return {
    interfaces: fs.readdirSync('/sys/class/net'),
    tcp,
    abstract: await connect({ path: '\0' + event.abstract }),
    udp,
    lookup,
    resolve4,
  };
};
