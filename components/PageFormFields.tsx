import type { PageForm } from '@/utils/destinations/page-form';
import { t } from '@/utils/i18n';

/** What the person typed or chose, by form data set part. */
export type FieldValues = Record<number, string>;

/** The form with the person's values in its form data set: what every post of the batch sends. */
export function withFieldValues(form: PageForm, values: FieldValues): PageForm {
  return {
    ...form,
    parts: form.parts.map((part, index) =>
      'value' in part && values[index] !== undefined ? { name: part.name, value: values[index] } : part,
    ),
  };
}

/** A required field still empty, or undefined when the form can be sent. */
export function missingField(form: PageForm, values: FieldValues): string | undefined {
  const filled = withFieldValues(form, values);
  return form.fillable.find((field) => {
    const part = filled.parts[field.part];
    return field.required && part !== undefined && 'value' in part && !part.value.trim();
  })?.label;
}

/**
 * The fields of the page's form a person fills in (a caption, a licence),
 * once for the whole batch, before anything is sent. Starts from what the
 * page has in them.
 */
export function PageFormFields({
  form,
  values,
  onInput,
}: {
  form: PageForm;
  values: FieldValues;
  onInput: (part: number, value: string) => void;
}) {
  if (form.fillable.length === 0) return null;
  const current = withFieldValues(form, values);
  const missing = missingField(form, values);
  return (
    <fieldset class="page-form-fields" data-testid="page-form-fields">
      <legend>{t('pageFormFieldsLegend')}</legend>
      {form.fillable.map((field) => {
        const part = current.parts[field.part];
        const value = part && 'value' in part ? part.value : '';
        const props = {
          id: `page-field-${field.part}`,
          name: `page-field-${field.part}`,
          'data-field': part?.name,
          required: field.required,
          value,
          onInput: (event: Event) => onInput(field.part, (event.currentTarget as HTMLInputElement).value),
        };
        return (
          <div key={field.part} class="page-form-field">
            <label htmlFor={props.id} translate={false}>
              {field.label}
            </label>
            {field.kind === 'select' ? (
              <select {...props} onChange={props.onInput}>
                {field.options.map((option) => (
                  <option key={option.value} value={option.value} translate={false}>
                    {option.label}
                  </option>
                ))}
              </select>
            ) : field.kind === 'textarea' ? (
              <textarea {...props} rows={2} />
            ) : (
              <input type="text" {...props} />
            )}
          </div>
        );
      })}
      {missing !== undefined && (
        <p class="field-error" role="alert" data-testid="page-form-missing">
          {t('pageFormFieldMissing', missing)}
        </p>
      )}
    </fieldset>
  );
}
