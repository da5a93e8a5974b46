// The worker that follows a run for the page (see run-feed.js).
import { api } from './api.js';
import { RunFollower } from './run-feed.js';

const follower = new RunFollower((message, transfers = []) => postMessage(message, transfers));
api.onUnauthorized = () => postMessage({ type: 'unauthorized' });

addEventListener('message', (event) => {
  const { type, id, token, points } = event.data;
  if (type === 'open') {
    api.token = token ?? '';
    follower.open(id, { points });
  } else if (type === 'close') {
    follower.close();
  }
});
