// Configuration of one function: handler, resources, environment, description;
// then its code source, versions and aliases, and deletion. Unsaved edits are
// kept when the function changes elsewhere (the form says so).
import { useEffect, useMemo, useState } from 'react';
import type { FunctionDetail } from '../../../main/contract/index.js';
import { call } from '../client.js';
import { Button, ErrorBox, IconFolder, Input, Spinner, Textarea, toast } from '../components/index.js';
import { DangerZone } from './DangerZone.js';
import { formatEnv, parseEnv } from './envVars.js';
import { formatBytes, formatTime } from './format.js';
import { useFunctionDetail } from './useFunctionDetail.js';
import { handlerError, memoryError, storageError, timeoutError } from './validate.js';
import { OutboundSettings } from './OutboundSettings.js';
import { VersionsAndAliases } from './VersionsAndAliases.js';
import './config.css';

interface Form {
  handler: string;
  memory: string;
  timeout: string;
  storage: string;
  env: string;
  description: string;
}

const formOf = (d: FunctionDetail): Form => ({
  handler: d.handler,
  memory: String(d.memorySize),
  timeout: String(d.timeout),
  storage: String(d.ephemeralStorage),
  env: formatEnv(d.environment),
  description: d.description,
});

function sameForm(a: Form, b: Form): boolean {
  return (Object.keys(a) as (keyof Form)[]).every((k) => (k === 'env' ? JSON.stringify(parseEnv(a.env).vars) === JSON.stringify(parseEnv(b.env).vars) && !parseEnv(a.env).errors.length : a[k] === b[k]));
}

export function ConfigTab({ functionName }: { functionName: string }) {
  const { detail, error, reload } = useFunctionDetail(functionName);
  // `base` is what the form started from: it only moves when the form has no edits of its own.
  const [edit, setEdit] = useState<{ form: Form; base: Form }>();
  const form = edit?.form;
  const base = edit?.base;
  const setForm = (fn: (f: Form) => Form) => setEdit((e) => e && { ...e, form: fn(e.form) });
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  useEffect(() => {
    if (!detail) return;
    const fresh = formOf(detail);
    setEdit((cur) => (!cur || sameForm(cur.form, cur.base) ? { form: fresh, base: fresh } : cur));
  }, [detail]);
  useEffect(() => {
    setEdit(undefined);
    setFailure(undefined);
  }, [functionName]);

  const errors = useMemo(() => {
    if (!form) return {};
    const env = parseEnv(form.env);
    return {
      handler: handlerError(form.handler),
      memory: memoryError(form.memory),
      timeout: timeoutError(form.timeout),
      storage: storageError(form.storage),
      env: env.errors.length ? env.errors.join('\n') : undefined,
      description: form.description.length > 256 ? 'At most 256 characters' : undefined,
    };
  }, [form]);

  if (error) return <div className="config"><ErrorBox error={error} title={`Could not load the configuration of ${functionName}`} /></div>;
  if (!detail || !form || !base) {
    return (
      <div className="config config-loading muted">
        <Spinner size={12} /> Loading configuration…
      </div>
    );
  }

  const dirty = !sameForm(form, base);
  const invalid = Object.values(errors).some(Boolean);
  const outdated = dirty && !sameForm(base, formOf(detail));
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const save = async () => {
    if (invalid || !dirty) return;
    setSaving(true);
    setFailure(undefined);
    try {
      const updated = await call('functions.updateConfig', {
        name: functionName,
        handler: form.handler,
        memorySize: Number(form.memory),
        timeout: Number(form.timeout),
        ephemeralStorage: Number(form.storage),
        environment: parseEnv(form.env).vars,
        description: form.description,
      });
      const fresh = formOf(updated);
      setEdit({ form: fresh, base: fresh });
      toast.success(`Saved the configuration of ${functionName}`, 'The next invoke starts a new environment.');
    } catch (e) {
      setFailure(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="config">
      <form
        className="config-section"
        data-testid="config-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <h3 className="config-heading">General</h3>
        <div className="form-grid">
          <Input fieldClassName="span-2" label="Handler" data-testid="config-handler" value={form.handler} onChange={set('handler')} error={errors.handler} mono />
          <Input fieldClassName="span-1" label="Runtime" value={detail.runtime} readOnly mono title="The runtime is chosen at creation" />
          <Input fieldClassName="span-3" label="Description" data-testid="config-description" value={form.description} onChange={set('description')} error={errors.description} placeholder="What this function does" />
          <Input fieldClassName="span-1" label="Memory" suffix="MB" data-testid="config-memory" inputMode="numeric" value={form.memory} onChange={set('memory')} error={errors.memory} hint="128 – 10240; CPU scales with it" mono />
          <Input fieldClassName="span-1" label="Timeout" suffix="s" data-testid="config-timeout" inputMode="numeric" value={form.timeout} onChange={set('timeout')} error={errors.timeout} hint="1 – 900" mono />
          <Input fieldClassName="span-1" label="Ephemeral storage (/tmp)" suffix="MB" data-testid="config-storage" inputMode="numeric" value={form.storage} onChange={set('storage')} error={errors.storage} hint="512 – 10240" mono />
          <Textarea
            fieldClassName="span-3"
            label="Environment variables"
            data-testid="config-env"
            value={form.env}
            onChange={set('env')}
            error={errors.env && <span className="pre-line">{errors.env}</span>}
            hint="One KEY=VALUE per line"
            placeholder={'TABLE_NAME=orders\nLOG_LEVEL=debug'}
            rows={Math.min(12, Math.max(3, form.env.split('\n').length + 1))}
            mono
          />
        </div>
        {failure != null && <ErrorBox error={failure} title="Could not save the configuration" onDismiss={() => setFailure(undefined)} />}
        <div className="config-actions">
          <Button type="submit" variant="primary" data-testid="config-save" busy={saving} disabled={!dirty || invalid}>
            Save configuration
          </Button>
          <Button variant="ghost" disabled={!dirty || saving} onClick={() => setEdit({ form: formOf(detail), base: formOf(detail) })}>
            Discard changes
          </Button>
          {outdated && (
            <span className="config-note">
              Changed elsewhere since you started editing.{' '}
              <button type="button" className="link-button" onClick={() => {
                  setEdit({ form: formOf(detail), base: formOf(detail) });
                  reload();
                }}>
                Load the new values
              </button>
            </span>
          )}
          {!dirty && <span className="config-note faint">No unsaved changes</span>}
        </div>
      </form>

      <OutboundSettings detail={detail} />

      <section className="config-section">
        <h3 className="config-heading">Code</h3>
        <dl className="config-facts">
          {detail.linkedFolder && (
            <>
              <dt>Linked folder</dt>
              <dd className="mono" data-testid="config-linked-folder">
                <IconFolder size={12} /> {detail.linkedFolder}
                <span className="faint"> — edited in your own editor; changes deploy live</span>
              </dd>
            </>
          )}
          {detail.template && (
            <>
              <dt>Template</dt>
              <dd className="mono">{detail.template}</dd>
            </>
          )}
          <dt>Architecture</dt>
          <dd className="mono">{detail.architectures.join(', ') || 'x86_64'}</dd>
          <dt>Size</dt>
          <dd className="mono">{formatBytes(detail.codeSize)}</dd>
          <dt>Last modified</dt>
          <dd className="mono">{formatTime(detail.lastModified)}</dd>
          <dt>Revision</dt>
          <dd className="mono faint">{detail.revisionId}</dd>
          {detail.layers.length > 0 && (
            <>
              <dt>Layers</dt>
              <dd className="mono">{detail.layers.join(', ')}</dd>
            </>
          )}
        </dl>
      </section>

      <VersionsAndAliases detail={detail} />
      <DangerZone name={functionName} />
    </div>
  );
}
