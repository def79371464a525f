// What to tell a user whose function failed on the network: the errors the
// env's isolation produces are ordinary socket errors, so a function error (or
// log) that shows one gets a sentence saying what the isolation does and what
// to change. For the result card and the docs; plain text, no Node APIs.
//
// What a function sees (measured in test/api/network.test.ts):
//   internet / host-ports, refused by the isolation (the host's addresses, other
//   envs, 169.254.169.254, a host port off the allowlist; the internet too in
//   host-ports mode): at once, as a TCP reset —
//     Node.js  connect ECONNREFUSED 172.18.0.1:5432   (fetch: TypeError: fetch failed, cause ECONNREFUSED)
//     Python   ConnectionRefusedError: [Errno 111] Connection refused
//              (urllib: URLError <urlopen error [Errno 111] Connection refused>)
//     UDP      ECONNREFUSED on a connected socket (ICMP port unreachable)
//   none (only lo):
//     Node.js  connect ENETUNREACH 198.51.100.2:80; names: getaddrinfo EAI_AGAIN / ENOTFOUND
//     Python   OSError: [Errno 101] Network is unreachable; socket.gaierror for names

export interface NetworkView {
  mode: 'none' | 'internet' | 'host-ports';
  hostPorts: number[];
}

const REFUSED = /ECONNREFUSED|Connection refused|\[Errno 111\]/;
// Node's fetch says only "fetch failed": the cause (ENETUNREACH) is not in the error the runtime reports.
const UNREACHABLE = /fetch failed|ENETUNREACH|Network is unreachable|\[Errno 101\]|EAI_AGAIN|ENOTFOUND|gaierror|Name or service not known|Temporary failure in name resolution/;

/** A hint for an error text of a function with this network, or undefined when the network is not the likely cause. */
export function isolationHint(errorText: string, network: NetworkView): string | undefined {
  if (network.mode === 'none' && UNREACHABLE.test(errorText)) {
    return 'This function has no network (WorkbenchNetwork: none, or a VpcConfig without HostPorts): its env has only lo. ' +
      'Set WorkbenchNetwork.Mode to internet to reach the world, or list HostPorts for services on this machine.';
  }
  if (network.mode !== 'none' && REFUSED.test(errorText)) {
    const allowed = network.hostPorts.length ? `only host port${network.hostPorts.length > 1 ? 's' : ''} ${network.hostPorts.join(', ')} at host.lambda.internal` : 'no host port';
    const world = network.mode === 'internet' ? 'the internet is open, but ' : 'it has no internet (host-ports only), and ';
    return `The connection may have been refused by the env's isolation: ${world}this machine's addresses, other envs and 169.254.169.254 are refused at once (${allowed} allowed). ` +
      'For a service on this machine, add its port to WorkbenchNetwork.HostPorts and connect to host.lambda.internal:<port>; the service must listen on an address other than 127.0.0.1.';
  }
  return undefined;
}
