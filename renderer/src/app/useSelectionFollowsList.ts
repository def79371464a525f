// Keeps the selection meaningful: when the selected function is deleted (here
// or by the AWS CLI) the neighbour below it is selected; with nothing selected
// the first function is.
import { useEffect, useRef } from 'react';
import { useFunctions } from '../stores/functions.js';
import { useUi } from '../stores/ui.js';

export function useSelectionFollowsList(): void {
  const list = useFunctions((s) => s.list);
  const loaded = useFunctions((s) => s.loaded);
  const selected = useUi((s) => s.selected);
  const previous = useRef<string[]>([]);
  useEffect(() => {
    if (!loaded) return;
    const names = list.map((f) => f.name);
    if (selected && names.includes(selected)) {
      previous.current = names;
      return;
    }
    let next: string | undefined = names[0];
    if (selected) {
      // The selection vanished: take whoever now stands where it stood.
      const at = previous.current.indexOf(selected);
      if (at >= 0) next = names[Math.min(at, names.length - 1)];
    }
    previous.current = names;
    if (next !== selected) useUi.getState().select(next);
  }, [list, loaded, selected]);
}
