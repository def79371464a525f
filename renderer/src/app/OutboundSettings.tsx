// "Network & credentials" in the Configuration tab (issue 12): how the function
// reaches the world — network mode and host ports, the execution role's
// credentials, local AWS endpoints — each beside what applies now and why
// (functions.get's `outbound.effective`), since a VpcConfig, the workbench's
// defaults or a machine without root can make it differ from the setting.
// Saved on its own, with the revision the form was filled from.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { FunctionDetail, OutboundView } from '../../../main/contract/index.js';
import { call } from '../client.js';
import { Button, ErrorBox, Input, Select, Textarea, toast } from '../components/index.js';
import { networkLabel } from '../result/format.js';
import { clearsEndpointUrl, outboundErrors, outboundFormOf, outboundParams, sameOutbound, workbenchDefaultIn, type OutboundForm } from './outbound.js';
import './OutboundSettings.css';

/** The workbench's defaults as last named by any function's reason (they change only with a restart of serve). */
const known: { network?: string; credentials?: string } = {};

function learnDefaults(o: OutboundView): void {
  known.network = workbenchDefaultIn(o.network.effective.reason, 'network') ?? known.network;
  known.credentials = workbenchDefaultIn(o.credentials.effective.reason, 'credentials') ?? known.credentials;
}

const defaultLabel = (value: string | undefined) => (value ? `Default (workbench: ${value})` : "Default (the workbench's)");

export function OutboundSettings({ detail }: { detail: FunctionDetail }) {
  // What the save answered, shown until the detail catches up (the functions stream brings it).
  const [saved, setSaved] = useState<{ outbound: OutboundView; revision: string; before: string }>();
  const outbound = saved && saved.before === detail.revisionId && saved.revision !== detail.revisionId ? saved.outbound : detail.outbound;
  const revisionId = outbound === detail.outbound ? detail.revisionId : saved!.revision;
  learnDefaults(outbound);
  // `base` and `revision` are what the form was filled from; they move only while it has no edits.
  const [editing, setEdit] = useState<{ name: string; form: OutboundForm; base: OutboundForm; revision: string }>();
  // Another function's edits never show under this one (the section stays mounted when the selection changes).
  const edit = editing?.name === detail.name ? editing : undefined;
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>();

  useEffect(() => {
    const fresh = outboundFormOf(outbound);
    setEdit((cur) => {
      if (!cur || cur.name !== detail.name || sameOutbound(cur.form, cur.base)) return { name: detail.name, form: fresh, base: fresh, revision: revisionId };
      // Edits pending: a change elsewhere that left these settings as they were (the General
      // form's save) moves the revision on; a change to them keeps it, so Save reports the conflict.
      return sameOutbound(cur.base, fresh) ? { ...cur, revision: revisionId } : cur;
    });
  }, [outbound, revisionId, detail.name]);
  useEffect(
    () => () => {
      setFailure(undefined);
      setSaved(undefined);
    },
    [detail.name],
  );

  const form = edit?.form ?? outboundFormOf(outbound);
  const base = edit?.base ?? form;
  const errors = useMemo(() => outboundErrors(form), [form]);
  const dirty = !sameOutbound(form, base);
  const invalid = Object.values(errors).some(Boolean);
  const outdated = dirty && !sameOutbound(base, outboundFormOf(outbound));
  const set = (k: keyof OutboundForm) => (e: { target: { value: string } }) => setEdit((cur) => cur && cur.name === detail.name ? { ...cur, form: { ...cur.form, [k]: e.target.value } } : cur);
  const reset = () => {
    const fresh = outboundFormOf(outbound);
    setEdit({ name: detail.name, form: fresh, base: fresh, revision: revisionId });
    setFailure(undefined);
  };

  const save = async () => {
    if (!edit || invalid || !dirty) return;
    setSaving(true);
    setFailure(undefined);
    try {
      let revision = edit.revision;
      if (clearsEndpointUrl(form, base)) {
        revision = (await call('functions.updateConfig', { name: detail.name, expectedRevisionId: revision, endpoints: null })).revisionId;
      }
      const updated = await call('functions.updateConfig', { name: detail.name, expectedRevisionId: revision, ...outboundParams(form, base) });
      const fresh = outboundFormOf(updated.outbound);
      setSaved({ outbound: updated.outbound, revision: updated.revisionId, before: detail.revisionId });
      setEdit({ name: detail.name, form: fresh, base: fresh, revision: updated.revisionId });
      toast.success(`Saved the network and credentials of ${detail.name}`, 'The next invoke starts a new environment.');
    } catch (e) {
      setFailure(e);
    } finally {
      setSaving(false);
    }
  };

  const eff = outbound.network.effective;
  const endpointVars = Object.entries(outbound.endpoints.effective);
  return (
    <form
      className="config-section outbound"
      data-testid="outbound-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      noValidate
    >
      <h3 className="config-heading">Network &amp; credentials</h3>
      <div className="form-grid">
        <Select fieldClassName="span-1" label="Network" data-testid="outbound-network-mode" value={form.network} onChange={set('network')}>
          <option value="default">{defaultLabel(known.network)}</option>
          <option value="internet">Internet</option>
          <option value="none">None (only lo)</option>
        </Select>
        <Input
          fieldClassName="span-2"
          label="Host ports"
          data-testid="outbound-host-ports"
          value={form.hostPorts}
          onChange={set('hostPorts')}
          error={errors.hostPorts}
          hint="This machine's TCP ports, at host.lambda.internal; empty: the workbench's"
          placeholder="5432, 4566"
          inputMode="numeric"
          mono
        />
        <Effective testId="outbound-effective-network" value={networkLabel(eff)} reason={eff.reason} />

        <Select fieldClassName="span-1" label="Credentials" data-testid="outbound-credentials" value={form.credentials} onChange={set('credentials')}>
          <option value="default">{defaultLabel(known.credentials)}</option>
          <option value="dummy">Dummy (fake keys)</option>
          <option value="none">None</option>
          <option value="profile">AWS profile…</option>
        </Select>
        {form.credentials === 'profile' ? (
          <Input
            fieldClassName="span-2"
            label="Profile"
            data-testid="outbound-profile"
            value={form.profile}
            onChange={set('profile')}
            error={errors.profile}
            hint="From ~/.aws on this machine (keys, SSO, assumed role); the keys are never shown"
            placeholder="dev"
            mono
          />
        ) : (
          <div className="span-2" />
        )}
        <Effective testId="outbound-effective-credentials" value={outbound.credentials.effective.source} reason={outbound.credentials.effective.reason} />

        <Input
          fieldClassName="span-3"
          label="Endpoint URL (AWS_ENDPOINT_URL)"
          data-testid="outbound-endpoint-url"
          value={form.endpointUrl}
          onChange={set('endpointUrl')}
          error={errors.endpointUrl}
          hint="Where the function's AWS SDK calls go, e.g. a local emulator on an allowed host port"
          placeholder="http://host.lambda.internal:4566"
          mono
        />
        <Textarea
          fieldClassName="span-3"
          label="Service endpoints (AWS_ENDPOINT_URL_<SERVICE>)"
          data-testid="outbound-service-endpoints"
          value={form.services}
          onChange={set('services')}
          error={errors.services && <span className="pre-line">{errors.services}</span>}
          hint="One SERVICE=url per line; empty URL and services: the workbench's"
          placeholder={'S3=http://host.lambda.internal:4566\nDYNAMODB=http://host.lambda.internal:8000'}
          rows={Math.min(8, Math.max(2, form.services.split('\n').length + 1))}
          mono
        />
        <Effective
          testId="outbound-effective-endpoints"
          value={endpointVars.length ? <EndpointVars vars={endpointVars} /> : 'none'}
          reason={endpointVars.length ? undefined : "AWS SDKs in the function call AWS's own endpoints"}
        />
        {outbound.vpc && (
          <p className="outbound-effective span-3" data-testid="outbound-vpc">
            <span className="outbound-applies">VPC</span>
            <span className="outbound-what">
              <span className="outbound-value">{outbound.vpc.subnetIds.join(', ') || 'no subnets'}</span>
              <span className="outbound-reason"> — kept as on AWS; without Internet or host ports set here it means no network</span>
            </span>
          </p>
        )}
      </div>
      {failure != null && <ErrorBox error={failure} title="Could not save the network and credentials" onDismiss={() => setFailure(undefined)} />}
      <div className="config-actions">
        <Button type="submit" variant="primary" data-testid="outbound-save" busy={saving} disabled={!dirty || invalid}>
          Save network &amp; credentials
        </Button>
        <Button variant="ghost" disabled={!dirty || saving} onClick={reset}>
          Discard changes
        </Button>
        {outdated && (
          <span className="config-note">
            Changed elsewhere since you started editing.{' '}
            <button type="button" className="link-button" onClick={reset}>
              Load the new values
            </button>
          </span>
        )}
        {!dirty && <span className="config-note faint">No unsaved changes</span>}
      </div>
    </form>
  );
}

/** What applies now (saved settings, defaults, VPC and machine all counted), and why. */
function Effective({ testId, value, reason }: { testId: string; value: ReactNode; reason?: string }) {
  return (
    <p className="outbound-effective span-3" data-testid={testId}>
      <span className="outbound-applies">Applies</span>
      <span className="outbound-what">
        <span className="outbound-value">{value}</span>
        {reason ? <span className="outbound-reason"> — {reason}</span> : null}
      </span>
    </p>
  );
}

function EndpointVars({ vars }: { vars: [string, string][] }) {
  return (
    <span className="outbound-vars">
      {vars.map(([k, v]) => (
        <span key={k} className="mono">
          {k}={v}
        </span>
      ))}
    </span>
  );
}
