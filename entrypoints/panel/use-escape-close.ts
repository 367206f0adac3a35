import { useEffect } from 'preact/hooks';

/**
 * Escape closes the panel, unless it is meant for something else first: a
 * focused <select> (its list closes), an open dialog, or text being composed
 * with an input method (Korean IME uses Escape to cancel a syllable).
 */
export function useEscapeClose(close: () => void): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || event.isComposing) return;
      const target = event.target instanceof Element ? event.target : null;
      if (target?.closest('select, dialog[open]') || document.querySelector('dialog[open]')) return;
      close();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
