// Shared building blocks for every panel (import from 'components/index.js'):
// Button — variants primary/secondary/danger/ghost, size 'small', `icon`, `busy` (spinner + disabled).
// Field / Input / Select / Textarea — a control with `label`, `error`, `hint`, `suffix`, `mono`; ids and aria wired.
// Dialog — modal (radix): `open`, `onOpenChange`, `title`, `description`, `footer` (actions), `testId`, `width`.
// Tabs — tablist strip with arrow-key navigation: `items` ({id,label,testId,title,extra}), `value`, `onChange`, `trailing`.
// Badge — small label whose `tone` means something: cold/warm/frozen/error/ok/warn/accent/neutral; `mono`, `dot`.
// Kbd — a shortcut in tinykeys syntax shown per platform (`<Kbd shortcut="$mod+Enter"/>`); formatShortcut() for text.
// ErrorBox — code + message + hint of any failure (data-testid="error-box"); toContractError() normalises thrown values.
// Toast — `toast.progress/update/success/info/error/dismiss` from anywhere (data-testid="toast"); the frame mounts <Toaster/>.
// EmptyState — what a panel shows when empty: `icon`, `title`, body, `actions`.
// Spinner — small indeterminate spinner.
// icons — Icon* stroked 16px SVGs (Functions, Events, Environments, Timeline, Metrics, Plus, Search, Close, Copy, …).
export { Button, type ButtonProps, type ButtonVariant } from './Button.js';
export { Field, Input, Select, Textarea, type FieldProps } from './Field.js';
export { Dialog, type DialogProps } from './Dialog.js';
export { Tabs, type TabItem, type TabsProps } from './Tabs.js';
export { Badge, type BadgeTone } from './Badge.js';
export { Kbd, formatShortcut, shortcutKeys, isMac } from './Kbd.js';
export { ErrorBox, toContractError, type ErrorBoxProps } from './ErrorBox.js';
export { Toaster, toast, type ToastData, type ToastKind } from './Toast.js';
export { EmptyState } from './EmptyState.js';
export { Spinner } from './Spinner.js';
export * from './icons.js';
