// A host shell session's transcript as the audit log links it (server/shell/transcript.ts keeps them).
const ID = /^[0-9a-f]{32}$/;

export const isTranscriptId = (id: unknown): id is string => typeof id === 'string' && ID.test(id);

export const transcriptUrl = (id: string) => `/api/shell/transcripts/${id}`;
