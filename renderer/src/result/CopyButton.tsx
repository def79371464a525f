// Copies a value and says so for a moment. The clipboard needs a secure context:
// app:// under Electron and http://127.0.0.1 in serve mode both are.
import { useEffect, useState } from 'react';
import { Button, IconCheck, IconCopy } from '../components/index.js';

export function CopyButton({ text, label = 'Copy', testId }: { text: string | (() => string); label?: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1200);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <Button
      variant="ghost"
      size="small"
      data-testid={testId}
      icon={state === 'copied' ? <IconCheck size={12} /> : <IconCopy size={12} />}
      onClick={() => {
        const value = typeof text === 'function' ? text() : text;
        const clip = navigator.clipboard as Clipboard | undefined;
        if (!clip) return setState('failed');
        clip.writeText(value).then(
          () => setState('copied'),
          () => setState('failed'),
        );
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </Button>
  );
}
