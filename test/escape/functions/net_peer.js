// Two envs with a network at once: each listens on 7777, then, at an agreed
// time, probes every address of its /24 on the workbench's bridge (the other
// env's among them), and reports who connected to it.
const net = require('node:net');
const os = require('node:os');

const sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
const connect = (host, port) =>
  new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => { s.destroy(); resolve('TIMEOUT'); }, 3000);
    s.on('connect', () => { clearTimeout(t); s.destroy(); resolve('connected'); });
    s.on('error', (e) => { clearTimeout(t); resolve(e.code); });
  });

exports.handler = async (event) => {
  const mine = (os.networkInterfaces().eth0 || []).find((a) => a.family === 'IPv4').address;
  const from = [];
  const server = net.createServer((s) => { from.push(s.remoteAddress); s.destroy(); });
  await new Promise((r) => server.listen(7777, '0.0.0.0', r));
  await sleepUntil(event.probeAt);
  const prefix = mine.split('.').slice(0, 3).join('.');
  const ips = Array.from({ length: event.last }, (_, i) => `${prefix}.${i + 2}`);
  const results = await Promise.all(ips.map((ip) => connect(ip, 7777)));
  await sleepUntil(event.until);
  server.close();
  return { mine, probes: Object.fromEntries(ips.map((ip, i) => [ip, results[i]])), from };
};
