-- Secrets and proxy URLs are stored sealed (AES-256-GCM, "enc:v1:<key id>:<base64>"): about 4/3 of the longest
-- UTF-8 value plus the prefix, the IV and the tag. H2 and PostgreSQL both accept this form.
ALTER TABLE webhooks ALTER COLUMN secret SET DATA TYPE VARCHAR(2048);
ALTER TABLE webhooks ALTER COLUMN proxy_url SET DATA TYPE VARCHAR(12288);
