// The default theme, with the site's own CSS (custom.css) on top and the live example
// of the @par/threads page registered for use in Markdown (`<ThreadsLiveExample />`).
import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import ThreadsLiveExample from './live/ThreadsLiveExample.vue';
import './custom.css';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('ThreadsLiveExample', ThreadsLiveExample);
  },
};
export default theme;
