/**
 * A button-looking label around a hidden file input (`.file-button` in
 * ui.css): one file, handed to `onFile`; the input is emptied after each pick
 * so the same file can be chosen again.
 */
export function FileButton({
  label,
  accept,
  testId,
  onFile,
}: {
  label: string;
  accept: string;
  testId: string;
  onFile: (file: File) => void;
}) {
  return (
    <label class="file-button">
      {label}
      <input
        type="file"
        accept={accept}
        data-testid={testId}
        onChange={(event) => {
          const input = event.currentTarget;
          const file = input.files?.[0];
          if (file) onFile(file);
          input.value = '';
        }}
      />
    </label>
  );
}
