/** The file tree's glyphs: SVG path data on a 16x16 grid, drawn with a 1.5 stroke in currentColor. */
export const ICONS = {
  file: 'M4 1.5h5l3.5 3.5v9.5h-8.5z M9 1.5v3.5h3.5',
  folder: 'M1.5 3h4.5l1.5 1.5h7v9h-13z',
  folderOpen: 'M1.5 13.5v-10.5h4.5l1.5 1.5h6v2.5 M1.5 13.5l2-6h11l-2 6z',
  chevron: 'M6 4l4 4-4 4',
  newFile: 'M8.5 14.5h-5v-13h5l3.5 3.5v2.5 M8.5 1.5v3.5h3.5 M12.5 9.5v5 M10 12h5',
  newFolder: 'M8 13.5h-6.5v-10.5h4.5l1.5 1.5h7v3.5 M12.5 9.5v5 M10 12h5',
  upload: 'M8 11v-9.5 M4.5 5l3.5-3.5 3.5 3.5 M2 10.5v4h12v-4',
  uploadFolder: 'M1.5 3h4.5l1.5 1.5h7v9h-13z M8 12v-5 M5.75 9.25l2.25-2.25 2.25 2.25',
  download: 'M8 1.5v9.5 M4.5 7.5l3.5 3.5 3.5-3.5 M2 10.5v4h12v-4',
  rename: 'M10.5 2l3.5 3.5-8.5 8.5h-3.5v-3.5z M9 3.5l3.5 3.5',
  delete: 'M2.5 4h11 M6 4v-2.5h4v2.5 M3.75 4l.75 10.5h7l.75-10.5 M6.5 6.5v5.5 M9.5 6.5v5.5',
} as const;

export type IconName = keyof typeof ICONS;
