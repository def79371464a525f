// The window's icons: small stroked SVGs drawn here (no icon font, nothing
// fetched), 16px on a 16px grid, inheriting the text colour.
import type { SVGProps } from 'react';

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 16, children, ...rest }: IconProps) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.4} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...rest}>
      {children}
    </svg>
  );
}

/** λ: functions. */
export const IconFunctions = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 2.5h1.6c.7 0 1.1.3 1.4 1L11.8 13.5h1.7" />
    <path d="M8.1 6.4 4 13.5" />
  </Svg>
);
/** A bolt: events that trigger a function. */
export const IconEvents = (p: IconProps) => (
  <Svg {...p}>
    <path d="M9 1.8 3.8 9h4l-1 5.2L12.2 7h-4z" />
  </Svg>
);
/** Stacked boxes: execution environments. */
export const IconEnvironments = (p: IconProps) => (
  <Svg {...p}>
    <rect x="2.5" y="2.5" width="11" height="4.5" rx="1" />
    <rect x="2.5" y="9" width="11" height="4.5" rx="1" />
    <path d="M5 4.75h.01M5 11.25h.01" strokeWidth={2} />
  </Svg>
);
/** Lanes with spans: the timeline. */
export const IconTimeline = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2 4h6M10 4h4M2 8h2.5M6.5 8H13M2 12h8M12 12h2" />
  </Svg>
);
/** Bars: metrics. */
export const IconMetrics = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2.5 13.5h11M4.5 11V8M8 11V4M11.5 11V6.5" />
  </Svg>
);
export const IconPlus = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 3v10M3 8h10" />
  </Svg>
);
export const IconSearch = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="7" cy="7" r="4.2" />
    <path d="m10.2 10.2 3.3 3.3" />
  </Svg>
);
export const IconClose = (p: IconProps) => (
  <Svg {...p}>
    <path d="m4 4 8 8M12 4l-8 8" />
  </Svg>
);
export const IconCopy = (p: IconProps) => (
  <Svg {...p}>
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.2" />
    <path d="M10.5 5.5v-2a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h2" />
  </Svg>
);
export const IconCheck = (p: IconProps) => (
  <Svg {...p}>
    <path d="m3.5 8.5 3 3 6-7" />
  </Svg>
);
export const IconAlert = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 4.8v3.6M8 11h.01" strokeWidth={1.6} />
  </Svg>
);
export const IconInfo = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 7.2V11M8 5h.01" strokeWidth={1.6} />
  </Svg>
);
export const IconTrash = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2.8 4.3h10.4M6.3 4.3V2.8h3.4v1.5M4.2 4.3l.6 9h6.4l.6-9" />
  </Svg>
);
export const IconSun = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="2.8" />
    <path d="M8 1.5v1.3M8 13.2v1.3M1.5 8h1.3M13.2 8h1.3M3.4 3.4l.9.9M11.7 11.7l.9.9M3.4 12.6l.9-.9M11.7 4.3l.9-.9" />
  </Svg>
);
export const IconMoon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M13.2 9.6A5.5 5.5 0 0 1 6.4 2.8a5.5 5.5 0 1 0 6.8 6.8z" />
  </Svg>
);
export const IconFolder = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2 4.2c0-.6.4-1 1-1h3.2l1.4 1.5H13c.6 0 1 .4 1 1v6.6c0 .6-.4 1-1 1H3c-.6 0-1-.4-1-1z" />
  </Svg>
);
export const IconChevronDown = (p: IconProps) => (
  <Svg {...p}>
    <path d="m4 6 4 4 4-4" />
  </Svg>
);
export const IconCommand = (p: IconProps) => (
  <Svg {...p}>
    <path d="M6 6V4.5A1.5 1.5 0 1 0 4.5 6H6zm0 0h4m-4 0v4m4-4V4.5A1.5 1.5 0 1 1 11.5 6H10zm0 0v4m0 0h1.5A1.5 1.5 0 1 1 10 11.5V10zm0 0H6m0 0v1.5A1.5 1.5 0 1 1 4.5 10H6z" />
  </Svg>
);
export const IconTerminal = (p: IconProps) => (
  <Svg {...p}>
    <rect x="1.8" y="2.8" width="12.4" height="10.4" rx="1.3" />
    <path d="m4.5 6.3 2 1.7-2 1.7M8 10h3.5" />
  </Svg>
);
export const IconDocker = (p: IconProps) => (
  <Svg {...p}>
    <path d="M1.8 8.2h11.6c.6-1 1.4-1.3 1.8-1.3-.3-.9-1-1.3-1.6-1.3-.2-1-.8-1.6-1.4-1.9-.5.6-.6 1.6-.3 2.2H1.8c0 3 2.1 5.3 5.6 5.3 3 0 5.1-1.3 6.2-3" />
  </Svg>
);
