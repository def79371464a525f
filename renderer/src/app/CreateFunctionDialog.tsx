// New function from a template: name, template, runtime, handler, memory,
// timeout, /tmp size, environment. Checked as typed; the engine's refusal (if
// any) shows with its code and hint. On success the function is selected and
// its Code tab opened.
import { useEffect, useState, type FormEvent } from 'react';
import type { RuntimeTemplate, RuntimeTemplateId } from '../../../main/contract/index.js';
import { call } from '../client.js';
import { Button, Dialog, ErrorBox, Input, Kbd, Select, Spinner, Textarea, toast } from '../components/index.js';
import { useFunctions } from '../stores/functions.js';
import { useUi } from '../stores/ui.js';
import { parseEnv } from './envVars.js';
import { handlerError, memoryError, nameError, storageError, timeoutError } from './validate.js';

let templatesCache: RuntimeTemplate[] | undefined;

interface Form {
  name: string;
  template: RuntimeTemplateId | '';
  runtime: string;
  handler: string;
  memory: string;
  timeout: string;
  storage: string;
  env: string;
}

const EMPTY: Form = { name: '', template: '', runtime: '', handler: '', memory: '128', timeout: '3', storage: '512', env: '' };

function errorsOf(f: Form) {
  const env = parseEnv(f.env);
  return {
    name: nameError(f.name),
    template: f.template ? undefined : 'Pick a template',
    handler: handlerError(f.handler),
    memory: memoryError(f.memory),
    timeout: timeoutError(f.timeout),
    storage: storageError(f.storage),
    env: env.errors.length ? env.errors.join('\n') : undefined,
  };
}

export function CreateFunctionDialog() {
  const open = useUi((s) => s.createOpen);
  const [templates, setTemplates] = useState<RuntimeTemplate[] | undefined>(templatesCache);
  const [loadError, setLoadError] = useState<unknown>();
  const [form, setForm] = useState<Form>(EMPTY);
  const [touched, setTouched] = useState<Partial<Record<keyof Form, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  const applyTemplate = (t: RuntimeTemplate, f: Form): Form => ({ ...f, template: t.id, runtime: t.runtimes[0] ?? t.runtime, handler: t.handler });

  useEffect(() => {
    if (!open) return;
    setForm(templatesCache?.[0] ? applyTemplate(templatesCache[0], EMPTY) : EMPTY);
    setTouched({});
    setSubmitted(false);
    setFailure(undefined);
    if (templatesCache) return;
    call('functions.templates', {})
      .then((list) => {
        templatesCache = list;
        setTemplates(list);
        setLoadError(undefined);
        if (list[0]) setForm((f) => (f.template ? f : applyTemplate(list[0]!, f)));
      })
      .catch(setLoadError);
  }, [open]);

  const template = templates?.find((t) => t.id === form.template);
  const errors = errorsOf(form);
  const show = (k: keyof typeof errors) => ((submitted || touched[k]) && errors[k]) || undefined;
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const blur = (k: keyof Form) => () => setTouched((t) => ({ ...t, [k]: true }));

  const close = () => useUi.getState().setCreateOpen(false);

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setSubmitted(true);
    if (Object.values(errors).some(Boolean) || !form.template) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const env = parseEnv(form.env).vars;
      const created = await call('functions.create', {
        name: form.name,
        template: form.template,
        runtime: form.runtime || undefined,
        handler: form.handler,
        memorySize: Number(form.memory),
        timeout: Number(form.timeout),
        ephemeralStorage: Number(form.storage),
        environment: Object.keys(env).length ? env : undefined,
      });
      useFunctions.getState().upsert(created);
      const ui = useUi.getState();
      ui.setFilter('');
      ui.setActivity('functions');
      ui.select(created.name);
      ui.setTab('code');
      close();
      toast.success(`Created ${created.name}`, `${created.runtime} · ${created.handler}`);
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => !busy && useUi.getState().setCreateOpen(o)}
      title="New function"
      description="Starts from a template; everything here can be changed later in Configuration."
      testId="create-function-dialog"
      width={560}
      modalLock
      footer={
        <>
          <span className="dialog-hint muted">
            <Kbd shortcut="Enter" /> create · <Kbd shortcut="Escape" /> cancel
          </span>
          <span className="spacer" />
          <Button onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button variant="primary" data-testid="create-submit" busy={busy} onClick={() => void submit()} disabled={!templates}>
            {busy ? 'Creating…' : 'Create function'}
          </Button>
        </>
      }
    >
      <form className="form-grid" onSubmit={(e) => void submit(e)} noValidate>
        <Input
          fieldClassName="span-3"
          label="Name"
          data-testid="create-name"
          value={form.name}
          onChange={set('name')}
          onBlur={blur('name')}
          error={show('name')}
          hint="Letters, digits, - and _ ; at most 64"
          placeholder="orders-api"
          autoFocus
          mono
          autoComplete="off"
          maxLength={64}
        />
        <Select
          fieldClassName="span-3"
          label="Template"
          data-testid="create-template"
          value={form.template}
          onChange={(e) => {
            const t = templates?.find((x) => x.id === e.target.value);
            if (t) setForm((f) => applyTemplate(t, f));
          }}
          error={show('template')}
          hint={template?.description}
          disabled={!templates}
        >
          {!templates && <option value="">Loading templates…</option>}
          {templates?.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </Select>
        <Select fieldClassName="span-2" label="Runtime" data-testid="create-runtime" value={form.runtime} onChange={set('runtime')} mono disabled={!template}>
          {(template?.runtimes ?? [form.runtime]).filter(Boolean).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </Select>
        <Input fieldClassName="span-1" label="Handler" data-testid="create-handler" value={form.handler} onChange={set('handler')} onBlur={blur('handler')} error={show('handler')} mono spellCheck={false} />
        <Input fieldClassName="span-1" label="Memory" suffix="MB" data-testid="create-memory" inputMode="numeric" value={form.memory} onChange={set('memory')} onBlur={blur('memory')} error={show('memory')} mono />
        <Input fieldClassName="span-1" label="Timeout" suffix="s" data-testid="create-timeout" inputMode="numeric" value={form.timeout} onChange={set('timeout')} onBlur={blur('timeout')} error={show('timeout')} mono />
        <Input fieldClassName="span-1" label="Ephemeral storage (/tmp)" suffix="MB" data-testid="create-storage" inputMode="numeric" value={form.storage} onChange={set('storage')} onBlur={blur('storage')} error={show('storage')} mono />
        <Textarea
          fieldClassName="span-3"
          label="Environment variables"
          data-testid="create-env"
          value={form.env}
          onChange={set('env')}
          onBlur={blur('env')}
          error={show('env') && <span className="pre-line">{show('env')}</span>}
          hint="One KEY=VALUE per line"
          placeholder={'TABLE_NAME=orders\nLOG_LEVEL=debug'}
          rows={3}
          mono
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void submit();
          }}
        />
        {/* Enter in any single-line field submits. */}
        <button type="submit" hidden tabIndex={-1} />
      </form>
      {loadError != null && <ErrorBox error={loadError} title="Could not load the templates" />}
      {failure != null && <ErrorBox error={failure} title="Could not create the function" onDismiss={() => setFailure(undefined)} />}
      {busy && (
        <div className="dialog-progress muted">
          <Spinner size={12} /> Creating {form.name} — the first function of a runtime may wait for its image.
        </div>
      )}
    </Dialog>
  );
}
