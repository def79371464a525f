// A small concurrency pool: `total` tasks, at most `concurrency` at once, each
// result reported as it lands. Stopping lets the running ones finish and starts
// no more (what a user expects of Cancel on a batch of invokes).
export async function runPool(total: number, concurrency: number, task: (index: number) => Promise<void>, stopped: () => boolean = () => false): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total && !stopped()) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, worker));
}
