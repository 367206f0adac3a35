import type { HostPreset } from './preset';

/**
 * A GitHub repository, through the contents API. Source:
 * https://docs.github.com/en/rest/repos/contents#create-or-update-file-contents
 * (PUT https://api.github.com/repos/{owner}/{repo}/contents/{path} with a JSON
 * body `{message, content (base64), branch}`, a token in `Authorization:
 * Bearer`; 201 with `content.download_url` and `content.html_url`; errors as
 * `message`, 422 when the path exists and no `sha` is given).
 * A repeated name is refused (422), never overwritten.
 */
export const githubHost: HostPreset = {
  id: 'github',
  name: 'GitHub',
  summaryKey: 'hostGithubSummary',
  docs: 'https://docs.github.com/en/rest/repos/contents#create-or-update-file-contents',
  asks: [
    { key: 'token', labelKey: 'hostAskToken', kind: 'secret', placeholder: 'github_pat_…' },
    { key: 'repository', labelKey: 'hostAskRepository', kind: 'path', placeholder: 'owner/name' },
    { key: 'branch', labelKey: 'hostAskBranch', kind: 'text', default: 'main' },
    { key: 'folder', labelKey: 'hostAskFolder', kind: 'path', default: 'images' },
  ],
  destination: {
    url: 'https://api.github.com/repos/[[repository]]/contents/[[folder]]/{filename}',
    method: 'PUT',
    body: {
      kind: 'json',
      template: '{"message": "Upload {filename}", "content": "{base64}", "branch": "[[branch]]"}',
    },
    headers: [
      { name: 'Authorization', value: 'Bearer [[token]]' },
      { name: 'Accept', value: 'application/vnd.github+json' },
      { name: 'X-GitHub-Api-Version', value: '2022-11-28' },
    ],
    sendCookies: false,
    reply: {
      url: '{json:content.download_url}',
      thumbnailUrl: '',
      // Deleting needs a DELETE with the file's sha, not a link to open.
      deletionUrl: '',
      errorMessage: '{json:message}',
    },
    successStatuses: '2xx',
  },
};
