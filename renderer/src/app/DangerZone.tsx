// Deleting a function: a dialog that names it, then `functions.delete`. Its
// envs are stopped by the engine; the list selects the neighbour.
import { useState } from 'react';
import { call } from '../client.js';
import { Button, Dialog, ErrorBox, IconTrash, toast } from '../components/index.js';

export function DangerZone({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const remove = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      await call('functions.delete', { name });
      setOpen(false);
      toast.success(`Deleted ${name}`);
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="config-section config-danger">
      <h3 className="config-heading">Delete</h3>
      <div className="config-inline">
        <p className="muted config-p">Deletes the function, its versions, aliases, saved test events and code, and stops its environments. This cannot be undone.</p>
        <Button variant="danger" icon={<IconTrash size={14} />} data-testid="delete-function" onClick={() => setOpen(true)}>
          Delete function
        </Button>
      </div>
      <Dialog
        open={open}
        onOpenChange={(o) => !busy && setOpen(o)}
        title={
          <>
            Delete <span className="mono">{name}</span>?
          </>
        }
        testId="delete-dialog"
        width={440}
        footer={
          <>
            <Button onClick={() => setOpen(false)} disabled={busy} autoFocus>
              Cancel
            </Button>
            <Button variant="danger" data-solid="" data-testid="confirm-delete" busy={busy} onClick={() => void remove()}>
              Delete {name}
            </Button>
          </>
        }
      >
        <p className="dialog-p">
          The function <strong className="mono">{name}</strong>, its versions, aliases and saved test events are deleted, and its running environments are stopped. This cannot be undone.
        </p>
        {failure != null && <ErrorBox error={failure} title={`Could not delete ${name}`} />}
      </Dialog>
    </section>
  );
}
