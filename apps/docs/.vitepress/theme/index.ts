// The default theme, with the site's own CSS (custom.css) on top.
import DefaultTheme from 'vitepress/theme';
import './custom.css';

export default DefaultTheme;
