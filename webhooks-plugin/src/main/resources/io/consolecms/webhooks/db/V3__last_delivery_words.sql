-- A webhook's last delivery now says what the delivery log says: succeeded or failed (it used to say success or error).
UPDATE webhooks SET last_delivery_status = 'succeeded' WHERE last_delivery_status = 'success';
UPDATE webhooks SET last_delivery_status = 'failed' WHERE last_delivery_status = 'error';
