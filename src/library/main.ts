import { translatePage } from '../ui/i18n';

translatePage();
