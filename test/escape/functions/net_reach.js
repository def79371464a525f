// From an env with a network (WorkbenchNetwork internet): every way to the host
// (each of its addresses and host.lambda.internal, on the workbench's API port
// and on a listener bound to all addresses; UDP; an abstract Unix socket) and to
// the link-local metadata address; the test internet as a control (the env does
// have a network). Each TCP result comes with how long it took to fail.
const fs = require('node:fs');
const net = require('node:net');
const dgram = require('node:dgram');

const connect = (opts, ms = 4000) =>
  new Promise((resolve) => {
    const started = Date.now();
    const s = net.connect(opts);
    const t = setTimeout(() => { s.destroy(); resolve({ result: 'TIMEOUT', ms: Date.now() - started }); }, ms);
    s.on('connect', () => { clearTimeout(t); s.destroy(); resolve({ result: 'connected', ms: Date.now() - started }); });
    s.on('error', (e) => { clearTimeout(t); resolve({ result: e.code, ms: Date.now() - started }); });
  });

const udp = (host, port) =>
  new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    let closed = false;
    const done = (r) => { if (closed) return; closed = true; clearTimeout(t); clearTimeout(again); s.close(); resolve(r); };
    const t = setTimeout(() => done('no answer'), 1500);
    let again;
    s.on('error', (e) => done(e.code));
    // The refusal (ICMP port unreachable) comes back as an error on the connected socket's next send.
    s.connect(port, host, () => { s.send('x'); again = setTimeout(() => !closed && s.send('y'), 200); });
  });

exports.handler = async (event) => {
  const tcp = {};
  await Promise.all(event.targets.map(async ([host, port]) => { tcp[`${host}:${port}`] = await connect({ host, port }); }));
  return {
    interfaces: fs.readdirSync('/sys/class/net').sort(),
    tcp,
    udp: await udp(event.udp[0], event.udp[1]),
    abstract: (await connect({ path: '\0' + event.abstract })).result,
    internet: (await connect({ host: event.internet, port: 80 })).result,
  };
};
