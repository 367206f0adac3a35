import { useEffect } from 'preact/hooks';

/** Images pasted anywhere in the panel are added like dropped ones; `addFiles` must stay the same function. */
export function usePaste(addFiles: (files: File[]) => void): void {
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length > 0) addFiles(files);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, []);
}
