/**
 * Saves text as a file through the page's own download (an `<a download>`
 * click): no `downloads` permission needed. The object URL is let go once the
 * browser has had time to start the download.
 */
export function downloadText(text: string, type: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
