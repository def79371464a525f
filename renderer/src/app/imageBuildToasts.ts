// A runtime image build is long work (a minute or more the first time): while
// one runs, a progress toast says which and what the build last printed; it
// turns into "ready" or into the failure with what to do.
import type { ImageStatus } from '../../../main/contract/index.js';
import { toast } from '../components/index.js';
import { useStatus } from '../stores/status.js';

export function followImageBuilds(): () => void {
  const toasts = new Map<string, number>();
  let seen = new Map<string, ImageStatus['state']>();
  const onImages = (images: ImageStatus[]) => {
    const now = new Map(images.map((i) => [i.runtime, i.state] as const));
    for (const img of images) {
      const id = toasts.get(img.runtime);
      const detail = img.progress?.replace(/^\[image\]\s*/, '');
      if (img.state === 'building') {
        if (id === undefined) toasts.set(img.runtime, toast.progress(`Building the ${img.runtime} image`, detail ?? 'Starting…'));
        else toast.update(id, { message: detail });
      } else if (id !== undefined) {
        toasts.delete(img.runtime);
        if (img.state === 'ready') toast.update(id, { kind: 'success', title: `The ${img.runtime} image is ready`, message: undefined });
        else if (img.state === 'failed') {
          toast.dismiss(id);
          toast.error(`The ${img.runtime} image could not be built`, { code: 'RuntimeImageBuildFailed', message: img.error ?? 'The build failed.', hint: 'Check that Docker is running and has disk space; the next invoke of this runtime tries again.' });
        } else toast.dismiss(id);
      } else if (img.state === 'failed' && seen.get(img.runtime) && seen.get(img.runtime) !== 'failed') {
        toast.error(`The ${img.runtime} image could not be built`, { code: 'RuntimeImageBuildFailed', message: img.error ?? 'The build failed.', hint: 'Check that Docker is running and has disk space; the next invoke of this runtime tries again.' });
      }
    }
    seen = now;
  };
  const first = useStatus.getState().status;
  if (first) onImages(first.images);
  return useStatus.subscribe((s, prev) => {
    if (s.status && s.status.images !== prev.status?.images) onImages(s.status.images);
  });
}
