// Labelled form controls. Field lays out label, control, hint and error; Input,
// Select and Textarea wrap themselves in a Field when given a label, and wire
// aria-invalid / aria-describedby so the error is read with the control.
import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import './controls.css';

export interface FieldProps {
  label?: ReactNode;
  /** Shown under the control in the error colour; marks the control invalid. */
  error?: ReactNode;
  hint?: ReactNode;
  /** Trailing text beside the control, e.g. a unit ("MB"). */
  suffix?: ReactNode;
  htmlFor?: string;
  className?: string;
  children: ReactNode;
}

export function Field({ label, error, hint, suffix, htmlFor, className, children }: FieldProps) {
  const id = htmlFor;
  return (
    <div className={['field', error ? 'field-invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      {label != null && (
        <label className="field-label" htmlFor={id}>
          {label}
        </label>
      )}
      <div className="field-control">
        {children}
        {suffix != null && <span className="field-suffix">{suffix}</span>}
      </div>
      {error ? (
        <div className="field-error" id={id ? `${id}-error` : undefined} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint" id={id ? `${id}-hint` : undefined}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

interface LabelledProps {
  label?: ReactNode;
  error?: ReactNode;
  hint?: ReactNode;
  suffix?: ReactNode;
  fieldClassName?: string;
  /** Monospace text, for values (handlers, sizes, env vars). */
  mono?: boolean;
}

function describedBy(id: string, error: ReactNode, hint: ReactNode): string | undefined {
  if (error) return `${id}-error`;
  if (hint) return `${id}-hint`;
  return undefined;
}

export function Input({ label, error, hint, suffix, fieldClassName, mono, className, id, ref, ...rest }: InputHTMLAttributes<HTMLInputElement> & LabelledProps & { ref?: Ref<HTMLInputElement> }) {
  const auto = useId();
  const cid = id ?? auto;
  const el = (
    <input
      ref={ref}
      id={cid}
      className={['input', mono ? 'mono' : '', className ?? ''].filter(Boolean).join(' ')}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(cid, error, hint)}
      {...rest}
    />
  );
  if (label == null && error == null && hint == null && suffix == null) return el;
  return (
    <Field label={label} error={error} hint={hint} suffix={suffix} htmlFor={cid} className={fieldClassName}>
      {el}
    </Field>
  );
}

export function Select({ label, error, hint, suffix, fieldClassName, mono, className, id, children, ref, ...rest }: SelectHTMLAttributes<HTMLSelectElement> & LabelledProps & { ref?: Ref<HTMLSelectElement> }) {
  const auto = useId();
  const cid = id ?? auto;
  const el = (
    <select
      ref={ref}
      id={cid}
      className={['input', 'select', mono ? 'mono' : '', className ?? ''].filter(Boolean).join(' ')}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(cid, error, hint)}
      {...rest}
    >
      {children}
    </select>
  );
  if (label == null && error == null && hint == null && suffix == null) return el;
  return (
    <Field label={label} error={error} hint={hint} suffix={suffix} htmlFor={cid} className={fieldClassName}>
      {el}
    </Field>
  );
}

export function Textarea({ label, error, hint, suffix, fieldClassName, mono, className, id, ref, ...rest }: TextareaHTMLAttributes<HTMLTextAreaElement> & LabelledProps & { ref?: Ref<HTMLTextAreaElement> }) {
  const auto = useId();
  const cid = id ?? auto;
  const el = (
    <textarea
      ref={ref}
      id={cid}
      spellCheck={false}
      className={['input', 'textarea', mono ? 'mono' : '', className ?? ''].filter(Boolean).join(' ')}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(cid, error, hint)}
      {...rest}
    />
  );
  if (label == null && error == null && hint == null && suffix == null) return el;
  return (
    <Field label={label} error={error} hint={hint} suffix={suffix} htmlFor={cid} className={fieldClassName}>
      {el}
    </Field>
  );
}
