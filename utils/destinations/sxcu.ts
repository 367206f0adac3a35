import {
  type Destination,
  type DestinationBody,
  HTTP_METHODS,
  type HttpMethod,
  type NameValue,
  newDestination,
} from './model';
import { parseTemplate, TemplateError, type TemplateScope } from './template';

/**
 * ShareX custom uploader files (`.sxcu`, JSON, Version 13+ field names), as
 * documented at https://getsharex.com/docs/custom-uploader. Import never
 * drops something silently: what Cadence cannot do is listed in `notes`.
 */

/** The fields of a .sxcu file that Cadence reads and writes. */
export interface SxcuFile {
  Version?: string;
  Name?: string;
  DestinationType?: string;
  RequestMethod?: string;
  RequestURL?: string;
  Parameters?: Record<string, string>;
  Headers?: Record<string, string>;
  Body?: string;
  Arguments?: Record<string, string>;
  FileFormName?: string;
  Data?: string;
  URL?: string;
  ThumbnailURL?: string;
  DeletionURL?: string;
  ErrorMessage?: string;
}

export interface SxcuImport {
  destination: Destination;
  /** What was not carried over, or changed, and why. */
  notes: string[];
  /** Names of headers, parameters and arguments that look like credentials. */
  credentials: string[];
}

const KNOWN_KEYS = new Set<string>([
  'Version',
  'Name',
  'DestinationType',
  'RequestMethod',
  'RequestURL',
  'Parameters',
  'Headers',
  'Body',
  'Arguments',
  'FileFormName',
  'Data',
  'URL',
  'ThumbnailURL',
  'DeletionURL',
  'ErrorMessage',
  // Legacy (before 13): the regex list `$regex:n,g$` refers to; converted below.
  'RegexList',
]);

const BODIES: Record<string, DestinationBody['kind'] | undefined> = {
  MultipartFormData: 'multipart',
  Binary: 'binary',
  JSON: 'json',
  FormURLEncoded: 'form-urlencoded',
};

const REFUSED_BODIES: Record<string, string> = {
  XML: 'XML request bodies are not supported',
  None: 'a request without a body cannot carry an image',
};

const CREDENTIAL_NAME = /auth|token|key|secret|pass|session|cookie|bearer|signature|credential/i;

export class SxcuError extends Error {
  override name = 'SxcuError';
}

/** Reads a .sxcu file's text. Throws SxcuError (with a message for the user) when it cannot be used at all. */
export function importSxcu(text: string): SxcuImport {
  let raw: unknown;
  try {
    // ShareX writes a UTF-8 BOM on some systems.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new SxcuError(`not a ShareX custom uploader (.sxcu is JSON): ${error instanceof Error ? error.message : ''}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SxcuError('not a ShareX custom uploader: expected a JSON object');
  }
  const file = raw as Record<string, unknown>;
  const notes: string[] = [];
  const readText = (key: keyof SxcuFile): string => {
    const value = file[key];
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') {
      notes.push(`${key} is not text and was ignored`);
      return '';
    }
    return value;
  };
  const map = (key: keyof SxcuFile): NameValue[] => {
    const value = file[key];
    if (value === undefined || value === null) return [];
    if (typeof value !== 'object' || Array.isArray(value)) {
      notes.push(`${key} is not a name/value object and was ignored`);
      return [];
    }
    return Object.entries(value as Record<string, unknown>).map(([name, entry]) => ({
      name,
      value: String(entry ?? ''),
    }));
  };
  for (const key of Object.keys(file))
    if (!KNOWN_KEYS.has(key)) notes.push(`"${key}" is not supported and was ignored`);

  const legacy = isLegacy(readText('Version'));
  const regexList = Array.isArray(file.RegexList) ? file.RegexList.map(String) : [];
  const convert = (value: string) =>
    legacy || /\$[a-z]+(:[^$]*)?\$/i.test(value) ? convertLegacy(value, regexList) : value;

  const requestUrl = convert(readText('RequestURL'));
  if (!requestUrl) throw new SxcuError('the file has no RequestURL');
  // ShareX's default body is a multipart form.
  const bodyName = readText('Body') || 'MultipartFormData';
  const refused = REFUSED_BODIES[bodyName];
  if (refused) throw new SxcuError(`Body "${bodyName}" is refused: ${refused}`);
  const kind = BODIES[bodyName];
  if (!kind) throw new SxcuError(`Body "${bodyName}" is not a ShareX body type Cadence knows`);

  const method = (readText('RequestMethod') || 'POST').toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new SxcuError(`RequestMethod ${method} cannot upload a file; Cadence supports ${HTTP_METHODS.join(', ')}`);
  }
  const destinationType = readText('DestinationType');
  if (destinationType && !/ImageUploader|FileUploader/.test(destinationType)) {
    notes.push(
      `DestinationType "${destinationType}" has no image or file uploader; it is imported as an image uploader`,
    );
  }

  const keepTemplate = (field: string, value: string, scope: TemplateScope): string => {
    const converted = convert(value);
    const parsed = parseTemplate(converted, scope);
    if (parsed instanceof TemplateError) {
      notes.push(`${field} was left empty: ${parsed.message}`);
      return '';
    }
    return converted;
  };
  const keepPairs = (label: string, pairs: NameValue[]): NameValue[] =>
    pairs.flatMap((pair) => {
      const value = keepTemplate(`${label} "${pair.name}"`, pair.value, 'request');
      return value === '' && pair.value !== '' ? [] : [{ name: pair.name, value }];
    });

  const parameters = keepPairs('Parameter', map('Parameters'));
  let url = keepTemplate('RequestURL', requestUrl, 'request');
  if (!url) throw new SxcuError('the RequestURL cannot be used (see the reason above)');
  if (parameters.length > 0) {
    const query = parameters.map((pair) => `${encodeURIComponent(pair.name)}=${pair.value}`).join('&');
    url += (url.includes('?') ? '&' : '?') + query;
  }
  const headers = keepPairs('Header', map('Headers')).filter((header) => {
    if (!/^content-type$/i.test(header.name)) return true;
    notes.push(`Header "${header.name}" was dropped: Cadence sets it from the body type`);
    return false;
  });
  for (const header of headers) {
    if (/^(cookie|host|content-length|origin|referer)$/i.test(header.name)) {
      notes.push(`Header "${header.name}" is set by the browser and cannot be sent by an extension`);
    }
  }
  const args = keepPairs('Argument', map('Arguments'));

  let body: DestinationBody;
  switch (kind) {
    case 'multipart':
      body = { kind, fileField: readText('FileFormName') || 'file', fields: args };
      break;
    case 'binary':
      body = { kind };
      if (args.length > 0) notes.push('Arguments are ignored: a Binary body is the file alone');
      break;
    case 'json':
      body = { kind, template: keepTemplate('Data', readText('Data'), 'request') || '{}' };
      break;
    case 'form-urlencoded':
      body = { kind, fields: args };
      if (!args.some((pair) => pair.value.includes('{base64}'))) {
        notes.push('no Argument carries {base64}: this body sends no image until one does');
      }
      break;
  }
  if (kind !== 'multipart' && readText('FileFormName')) notes.push(`FileFormName is ignored: the Body is ${bodyName}`);

  const destination = newDestination({
    name: readText('Name') || hostOf(url),
    url,
    method: method as HttpMethod,
    body,
    headers,
    reply: {
      // ShareX takes the whole reply as the URL when URL is empty (CustomUploaderItem.ParseResponse).
      url: readText('URL').trim() ? keepTemplate('URL', readText('URL'), 'reply') : '{response}',
      thumbnailUrl: keepTemplate('ThumbnailURL', readText('ThumbnailURL'), 'reply'),
      deletionUrl: keepTemplate('DeletionURL', readText('DeletionURL'), 'reply'),
      errorMessage: keepTemplate('ErrorMessage', readText('ErrorMessage'), 'reply'),
    },
  });
  const credentials = [
    ...headers.filter((pair) => CREDENTIAL_NAME.test(pair.name) && pair.value).map((pair) => `header ${pair.name}`),
    ...parameters
      .filter((pair) => CREDENTIAL_NAME.test(pair.name) && pair.value)
      .map((pair) => `parameter ${pair.name}`),
    ...args.filter((pair) => CREDENTIAL_NAME.test(pair.name) && pair.value).map((pair) => `argument ${pair.name}`),
  ];
  return { destination, notes, credentials };
}

/** Writes a destination as a .sxcu file (Version 13+ fields). Query parameters stay in RequestURL. */
export function exportSxcu(destination: Destination): SxcuFile {
  const file: SxcuFile = {
    Version: '17.0.0',
    Name: destination.name,
    DestinationType: 'ImageUploader, FileUploader',
    RequestMethod: destination.method,
    RequestURL: destination.url,
  };
  if (destination.headers.length > 0) file.Headers = toRecord(destination.headers);
  const { body } = destination;
  switch (body.kind) {
    case 'multipart':
      file.Body = 'MultipartFormData';
      if (body.fields.length > 0) file.Arguments = toRecord(body.fields);
      file.FileFormName = body.fileField;
      break;
    case 'binary':
      file.Body = 'Binary';
      break;
    case 'json':
      file.Body = 'JSON';
      file.Data = body.template;
      break;
    case 'form-urlencoded':
      file.Body = 'FormURLEncoded';
      if (body.fields.length > 0) file.Arguments = toRecord(body.fields);
      break;
  }
  if (destination.reply.url) file.URL = destination.reply.url;
  if (destination.reply.thumbnailUrl) file.ThumbnailURL = destination.reply.thumbnailUrl;
  if (destination.reply.deletionUrl) file.DeletionURL = destination.reply.deletionUrl;
  if (destination.reply.errorMessage) file.ErrorMessage = destination.reply.errorMessage;
  return file;
}

/** Credentials a destination would carry into an exported file, to warn before sharing it. */
export function exportedCredentials(destination: Destination): string[] {
  return importSxcu(JSON.stringify(exportSxcu(destination))).credentials;
}

function toRecord(pairs: NameValue[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => [pair.name, pair.value]));
}

function hostOf(url: string): string {
  try {
    return new URL(url.replace(/\{[^}]*\}/g, '')).host;
  } catch {
    return 'Imported uploader';
  }
}

function isLegacy(version: string): boolean {
  if (!version) return true;
  const major = Number(version.split('.')[0]);
  return Number.isFinite(major) && major < 13;
}

/**
 * Before 13.0, ShareX wrote `$json:data.url$`, `$xml:...$`, `$header:...$`,
 * `$response$`, `$responseurl$`, `$filename$`, `$random:a|b$` and
 * `$regex:n,g$` (n indexes `RegexList`, 1-based).
 */
export function convertLegacy(value: string, regexList: readonly string[] = []): string {
  return value.replace(/\$([a-z]+)(?::([^$]*))?\$/gi, (whole, name: string, argument: string | undefined) => {
    const lower = name.toLowerCase();
    if (lower === 'regex' && argument !== undefined) {
      const [index = '', group = ''] = argument.split(',');
      const pattern = regexList[Number(index) - 1];
      if (pattern === undefined) return whole;
      return `{regex:${pattern.replace(/[{}|]/g, (char) => `\\${char}`)}${group ? `|${group}` : ''}}`;
    }
    if (!/^(json|xml|header|response|responseurl|filename|random|input)$/.test(lower)) return whole;
    return argument === undefined ? `{${lower}}` : `{${lower}:${argument}}`;
  });
}
