// The Code tab's own small icons (16px grid, stroked like components/icons.tsx).
import type { SVGProps } from 'react';

type P = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 14, children, ...rest }: P) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.3} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...rest}>
      {children}
    </svg>
  );
}

export const IconFile = (p: P) => (
  <Svg {...p}>
    <path d="M4 1.8h5l3 3v9.4H4z" />
    <path d="M9 1.8v3h3" />
  </Svg>
);
export const IconFileBinary = (p: P) => (
  <Svg {...p}>
    <path d="M4 1.8h5l3 3v9.4H4z" />
    <path d="M6.2 7.5v3M9.6 7.5h.2v3M9.6 10.5h.2" />
  </Svg>
);
export const IconFileNew = (p: P) => (
  <Svg {...p}>
    <path d="M8.5 14.2H3.5V1.8h5l3 3v3.4" />
    <path d="M12 10v4.5M9.8 12.2h4.4" />
  </Svg>
);
export const IconFolderNew = (p: P) => (
  <Svg {...p}>
    <path d="M8.2 13H2.8c-.5 0-.8-.3-.8-.8V4c0-.5.3-.8.8-.8H6l1.4 1.5h5.8c.5 0 .8.3.8.8v2.4" />
    <path d="M12 9.5V14M9.8 11.8h4.4" />
  </Svg>
);
export const IconPencil = (p: P) => (
  <Svg {...p}>
    <path d="M10.6 2.6 13.4 5.4 6 12.8 2.6 13.4 3.2 10z" />
  </Svg>
);
export const IconChevronRight = (p: P) => (
  <Svg {...p}>
    <path d="m6 3.5 4.5 4.5L6 12.5" />
  </Svg>
);
export const IconCog = (p: P) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="2.2" />
    <path d="M8 1.8v1.6M8 12.6v1.6M14.2 8h-1.6M3.4 8H1.8M12.4 3.6l-1.1 1.1M4.7 11.3l-1.1 1.1M12.4 12.4l-1.1-1.1M4.7 4.7 3.6 3.6" />
  </Svg>
);
export const IconLock = (p: P) => (
  <Svg {...p}>
    <rect x="3.2" y="7" width="9.6" height="7" rx="1" />
    <path d="M5.3 7V5a2.7 2.7 0 0 1 5.4 0v2" />
  </Svg>
);
