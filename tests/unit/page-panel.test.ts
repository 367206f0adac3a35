import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  clampToViewport,
  defaultPosition,
  EDGE_MARGIN,
  GRIP_HEIGHT,
  PANEL_HEADER_HEIGHT,
  panelSize,
} from '@/utils/page-panel/geometry';
import {
  MAX_REMEMBERED_SITES,
  panelPlacesSetting,
  readPanelPlace,
  savePanelPlace,
} from '@/utils/page-panel/place-setting';

describe('panel placement', () => {
  const viewport = { width: 1280, height: 800 };

  it('sits bottom-right by default, and collapsed it is only the grip and the header', () => {
    const size = panelSize(false, viewport);
    expect(size).toEqual({ width: 420, height: 620 });
    expect(defaultPosition(size, viewport)).toEqual({
      left: 1280 - 420 - EDGE_MARGIN,
      top: 800 - 620 - EDGE_MARGIN,
    });
    expect(panelSize(true, viewport).height).toBe(GRIP_HEIGHT + PANEL_HEADER_HEIGHT);
  });

  it('fits a small viewport and stays inside it, grip first', () => {
    const small = { width: 360, height: 400 };
    const size = panelSize(false, small);
    expect(size).toEqual({ width: 360 - 2 * EDGE_MARGIN, height: 400 - 2 * EDGE_MARGIN });
    expect(clampToViewport({ left: 900, top: 700 }, size, small)).toEqual({ left: 32, top: 32 });
    expect(clampToViewport({ left: -50, top: -10 }, size, small)).toEqual({ left: 0, top: 0 });
  });
});

describe('panel place per site', () => {
  beforeEach(() => fakeBrowser.reset());

  it('keeps each origin apart and forgets the least recently saved beyond the limit', async () => {
    await savePanelPlace('https://a.example', { left: 10, top: 20, collapsed: true }, 1);
    expect(await readPanelPlace('https://a.example')).toEqual({ left: 10, top: 20, collapsed: true, savedAt: 1 });
    expect(await readPanelPlace('https://b.example')).toBeUndefined();
    for (let index = 0; index < MAX_REMEMBERED_SITES; index += 1) {
      await savePanelPlace(`https://site-${index}.example`, { left: 0, top: 0, collapsed: false }, 10 + index);
    }
    const places = await panelPlacesSetting.getValue();
    expect(Object.keys(places)).toHaveLength(MAX_REMEMBERED_SITES);
    expect(places['https://a.example']).toBeUndefined();
  });
});
