// The webhooks admin UI module; its panels are added by the UI work.
export {};
